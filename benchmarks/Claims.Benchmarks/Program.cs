using BenchmarkDotNet.Running;
using Claims.Benchmarks;

// `-- generate …` times a whole generation, `-- cohort …` cohort builds, `-- extract …` a cohort extract,
// `-- features …` a model spec's features beside DuckDB SQL, `-- disclosure …` restricted queries beside the engine
// `-- uke …` a UKE import beside a plain read of its bytes, `-- cluster …` queries through Orleans silos beside
// the single node and `-- indicators …` every dashboard indicator, cold and warm
// (seconds to minutes, not micro-benchmarks); anything else goes to BenchmarkDotNet, e.g. `-- --filter '*'`.
// See docs/benchmarks.md.
if (args is ["generate", .. var rest]) return GenerateBenchmark.Run(rest);
if (args is ["cohort", .. var cohortArgs]) return CohortBenchmark.Run(cohortArgs);
if (args is ["extract", .. var extract]) return ExtractBenchmark.Run(extract);
if (args is ["features", .. var features]) return FeatureBenchmark.Run(features);
if (args is ["disclosure", .. var disclosure]) return DisclosureBenchmark.Run(disclosure);
if (args is ["uke", .. var uke]) return UkeImportBenchmark.Run(uke);
if (args is ["cluster", .. var cluster]) return ClusterBenchmark.Run(cluster);
if (args is ["indicators", .. var indicators]) return IndicatorBenchmark.Run(indicators);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
