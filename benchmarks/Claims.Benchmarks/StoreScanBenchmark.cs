using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Claims.Engine.Kernels;
using Claims.Engine.Schema;
using Claims.Engine.Storage;
using Claims.Testing;

namespace Claims.Benchmarks;

/// <summary>
/// A scan of one int32 column from the memory-mapped store, against the same scan of the same values in a heap
/// array (the baseline: what this machine's memory gives in the same run). Ratio near 1 means the store adds no
/// cost over RAM; GB/s is the column's bytes over the mean time. 2 threads, one per core, split by block.
/// </summary>
[Config(typeof(Config))]
public class StoreScanBenchmark
{
    private const int Rows = 1 << 26; // 64M rows, 256 MB: far past the caches
    private TempDirectory? _temp;
    private Dataset? _dataset;
    private int[] _heap = [];

    [Params(SimdLevel.Scalar, SimdLevel.V128, SimdLevel.V256, SimdLevel.V512)]
    public SimdLevel Level { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _temp = new TempDirectory("claims-bench");
        var schema = ClaimsSchema.Load(SchemaFiles.FromDirectory(SchemaCopies.Write(_temp.Combine("schema"), tables =>
            tables["tables"] = System.Text.Json.Nodes.JsonNode.Parse("""
                [{"name": "scan", "description": {"ja": "走査", "en": "scan"}, "partitionColumn": "month", "primaryKey": null, "parent": null,
                  "columns": [
                    {"name": "month", "type": "month", "nullable": false, "codeSystem": null, "unit": null, "source": {"record": "derived", "field": null}, "description": {"ja": "月", "en": "month"}},
                    {"name": "value", "type": "int32", "nullable": false, "codeSystem": null, "unit": null, "source": {"record": "derived", "field": null}, "description": {"ja": "値", "en": "value"}}]}]
                """))));
        var random = new Random(1);
        _heap = new int[Rows];
        for (var i = 0; i < Rows; i++) _heap[i] = random.Next(0, 100_000);
        using (var writer = DatasetWriter.Create(_temp.Combine("ds"), new DatasetWriteOptions { Schema = schema }))
        {
            var batch = new RowBatch(schema.Table("scan"), 1 << 20);
            for (var start = 0; start < Rows; start += batch.Capacity)
            {
                batch.Count = batch.Capacity;
                Array.Fill(batch.Values<int>("month"), 202304);
                Array.Copy(_heap, start, batch.Values<int>("value"), 0, batch.Capacity);
                writer.Partition("scan", 202304).Append(batch);
            }
            writer.Commit();
        }
        _dataset = Dataset.Open(_temp.Combine("ds"), ChecksumVerification.AtOpen, schema);
        if (MappedSum() != HeapSum()) throw new InvalidOperationException("the store and the heap disagree");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _dataset?.Dispose();
        _temp?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "heap array")]
    public unsafe long HeapSum()
    {
        fixed (int* values = _heap) return ParallelSum(values, _heap.Length);
    }

    [Benchmark(Description = "memory-mapped store")]
    public unsafe long MappedSum()
    {
        var column = _dataset!.Table("scan").Partitions[0].Column("value");
        fixed (int* values = column.Values<int>()) return ParallelSum(values, column.RowCount);
    }

    private unsafe long ParallelSum(int* values, int length)
    {
        var parts = Environment.ProcessorCount;
        var partial = new long[parts];
        var level = Level;
        Parallel.For(0, parts, p =>
        {
            var start = (long)length * p / parts;
            var end = (long)length * (p + 1) / parts;
            partial[p] = SumInt32.Sum(new ReadOnlySpan<int>(values + start, (int)(end - start)), level);
        });
        return partial.Sum();
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new ThroughputColumn(_ => Rows * sizeof(int)));
    }
}
