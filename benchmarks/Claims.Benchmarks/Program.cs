using BenchmarkDotNet.Running;
using Claims.Benchmarks;

// `-- generate …` times a whole generation (minutes, not a micro-benchmark), `-- cohort …` cohort builds on a
// dataset; anything else goes to BenchmarkDotNet,
// e.g. `-- --filter '*'`. See the README.
if (args is ["generate", .. var rest]) return GenerateBenchmark.Run(rest);
if (args is ["cohort", .. var cohortArgs]) return CohortBenchmark.Run(cohortArgs);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
