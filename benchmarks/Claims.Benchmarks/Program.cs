using BenchmarkDotNet.Running;

// `dotnet run -c Release --project benchmarks/Claims.Benchmarks -- --filter '*'` runs them all; see the README.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
