#!/usr/bin/env bash
# Runs every test of the solution, after installing whatever the tests need beyond the .NET SDK, and ends by
# printing `tests: N passed, N failed`. `.ci/run` calls exactly this. Coverage is measured on every run: the report
# (coverlet json and Cobertura XML per test project, summary.txt) is kept in TestResults/coverage/ for CI to keep,
# and its summary, one line per src project, is printed just before the `tests:` line.
set -uo pipefail
cd "$(dirname "$0")"

# DuckDB and ParquetSharp ship their native libraries in their NuGet packages. From Debian: Redis for the cluster's
# real-process tests' membership, Noto CJK for charts in Japanese (ScottPlot reads its file), Chromium for the
# browser tests (Playwright drives it; no browser is downloaded), and Node.js with npm for the OpenAPI test (npx runs
# the pinned Redocly linter, fetched from the npm registry on its first run).
missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
[[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ]] || missing+=(fonts-noto-cjk)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
command -v npx >/dev/null || missing+=(nodejs npm)
if (( ${#missing[@]} )); then
  as_root=(); [[ $(id -u) == 0 ]] || as_root=(sudo)
  "${as_root[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null \
    || { echo "could not install ${missing[*]} (apt-get as root), which the tests need" >&2; echo "tests: 0 passed, 1 failed"; exit 1; }
fi

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
coverage=TestResults/coverage
rm -rf "$coverage"
mkdir -p "$coverage"
dotnet build Claims.sln -c Release || { echo "tests: 0 passed, 1 failed"; exit 1; }
status=0
crashed=0
# One project at a time, each with its own results file (parallel runs would race on the default trx name).
for project in tests/*.Tests/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    --settings tests/coverage.runsettings --collect "XPlat Code Coverage" "$@" || status=1
  # The collector writes into a fresh GUID folder per run: keep its files under the project's name.
  for report in "$results"/*/coverage.json "$results"/*/coverage.cobertura.xml; do
    [[ -f $report ]] && mv "$report" "$coverage/$name.${report#*/coverage.}"
  done
  # A test host that crashed writes no results file: that project counts as one failure, not as zero tests.
  [[ -f "$results/$name.trx" ]] || { echo "no results from $name: its test host crashed" >&2; crashed=$((crashed + 1)); status=1; }
done

passed=0
failed=$crashed
for trx in "$results"/*.trx; do
  [[ -f $trx ]] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done
# Measured, not gated: a failure to summarise is reported but fails nothing.
dotnet run tools/coverage-summary.cs -- "$coverage" || echo "coverage: no summary (see above)" >&2
echo "tests: $passed passed, $failed failed"
if (( status == 0 && failed == 0 && passed == 0 )); then
  echo "no test ran" >&2
  exit 1
fi
exit $status
