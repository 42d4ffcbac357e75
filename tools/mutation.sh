#!/usr/bin/env bash
# Mutation testing of one folder of ClaimsEngine with Stryker.NET (the dotnet-stryker tool of .config/dotnet-tools.json).
# Slow, so never run by CI: see docs/mutation.md for the scores and the survivors left on purpose.
#
#   tools/mutation.sh Kernels|Query|Privacy [dotnet-stryker options, e.g. --since:main]
#
# Only the folder's own test classes run against its mutants (the whole suite per mutant would take days on two
# cores). Stryker builds Debug, so the Release output that test.sh uses is never replaced by a mutated assembly.
# MUTATION_CONCURRENCY (default 1) sets how many test runners work at once. MUTATION_FILES narrows the files
# mutated (a glob inside the folder, default every file) and MUTATION_TESTS replaces the test filter, for folders
# whose slowest tests would make a full run take days (docs/mutation.md says what each score was measured on).
# The reports (html, json, markdown) go to TestResults/mutation/<folder>/reports/.
set -euo pipefail
cd "$(dirname "$0")/.."

folder=${1:-}
case $folder in
  Kernels | Query | Privacy) shift ;;
  *) echo "usage: tools/mutation.sh Kernels|Query|Privacy [dotnet-stryker options]" >&2; exit 2 ;;
esac
output=$PWD/TestResults/mutation/$folder
rm -rf "$output"

dotnet tool restore
cd tests/ClaimsEngine.Tests
dotnet stryker \
  --project ClaimsEngine.csproj \
  --configuration Debug \
  --mutate "**/src/ClaimsEngine/$folder/${MUTATION_FILES:-**/*.cs}" \
  --test-case-filter "${MUTATION_TESTS:-FullyQualifiedName~Claims.Engine.Tests.$folder.}" \
  --concurrency "${MUTATION_CONCURRENCY:-1}" \
  --reporter Progress --reporter ClearText --reporter Html --reporter Json --reporter Markdown \
  --output "$output" \
  --skip-version-check \
  "$@"
