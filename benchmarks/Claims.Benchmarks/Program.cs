using BenchmarkDotNet.Running;
using Claims.Benchmarks;

// `-- generate …` times a whole generation (minutes, not a micro-benchmark); anything else goes to BenchmarkDotNet,
// e.g. `-- --filter '*'`. See the README.
if (args is ["generate", .. var rest]) return GenerateBenchmark.Run(rest);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
