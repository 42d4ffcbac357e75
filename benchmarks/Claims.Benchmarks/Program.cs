using BenchmarkDotNet.Running;
using Claims.Benchmarks;

// `-- generate …` times a whole generation, `-- cohort …` cohort builds and `-- extract …` a cohort extract
// (seconds to minutes, not micro-benchmarks); anything else goes to BenchmarkDotNet, e.g. `-- --filter '*'`.
// See docs/benchmarks.md.
if (args is ["generate", .. var rest]) return GenerateBenchmark.Run(rest);
if (args is ["cohort", .. var cohortArgs]) return CohortBenchmark.Run(cohortArgs);
if (args is ["extract", .. var extract]) return ExtractBenchmark.Run(extract);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
