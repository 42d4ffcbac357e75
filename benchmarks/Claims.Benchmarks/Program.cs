using BenchmarkDotNet.Running;
using Claims.Benchmarks;

// `-- generate …` times a whole generation and `-- extract …` a cohort extract (seconds to minutes, not
// micro-benchmarks); anything else goes to BenchmarkDotNet, e.g. `-- --filter '*'`. See the README.
if (args is ["generate", .. var rest]) return GenerateBenchmark.Run(rest);
if (args is ["extract", .. var extract]) return ExtractBenchmark.Run(extract);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
