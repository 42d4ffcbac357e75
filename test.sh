#!/usr/bin/env bash
# Runs every test of the solution, after installing whatever the tests need beyond the .NET SDK, and ends by
# printing `tests: N passed, N failed`. `.ci/run` calls exactly this.
set -uo pipefail
cd "$(dirname "$0")"

# Nothing beyond the SDK is needed yet: DuckDB and ParquetSharp ship their native libraries in their NuGet packages.

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
dotnet build Claims.sln -c Release || { echo "tests: 0 passed, 1 failed"; exit 1; }
status=0
crashed=0
# One project at a time, each with its own results file (parallel runs would race on the default trx name).
for project in tests/*.Tests/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build --logger "trx;LogFileName=$name.trx" --results-directory "$results" "$@" || status=1
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
echo "tests: $passed passed, $failed failed"
if (( status == 0 && failed == 0 && passed == 0 )); then
  echo "no test ran" >&2
  exit 1
fi
exit $status
