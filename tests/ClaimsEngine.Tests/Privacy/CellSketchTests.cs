using Claims.Engine.Privacy;

namespace Claims.Engine.Tests.Privacy;

public class CellSketchTests
{
    private const int Limit = 14;

    private static CellSketch Of(IEnumerable<ulong> records)
    {
        var sketch = new CellSketch();
        foreach (var record in records) sketch.Add(record);
        return sketch;
    }

    private static ulong Next(Random random) => (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63);

    [Fact]
    public void Two_sets_a_few_records_apart_give_exactly_those_records_count_and_key()
    {
        var random = new Random(4);
        var failures = 0;
        for (var trial = 0; trial < 3_000; trial++)
        {
            var common = Enumerable.Range(0, random.Next(0, 3_000)).Select(_ => Next(random)).ToArray();
            var size = random.Next(0, Limit + 1);
            var extra = Enumerable.Range(0, size).Select(_ => Next(random)).ToArray();
            // Some of the difference on each side: records only in a, and records only in b.
            var onlyA = extra[..random.Next(0, size + 1)];
            var onlyB = extra[onlyA.Length..];
            var between = CellSketch.Difference(Of(common.Concat(onlyA)), Of(common.Reverse().Concat(onlyB)), Limit);
            if (between is not { } d)
            {
                failures++;
                continue;
            }
            Assert.Equal(size, d.Size);
            Assert.Equal(extra.Aggregate(0u, (key, record) => key + (uint)record), d.Key);
        }
        // Two records sharing their slot in all four tables do not peel: about 1 in 10,000 at the largest difference.
        Assert.True(failures <= 3, $"{failures} of 3,000 small differences did not peel");
    }

    [Fact]
    public void Sets_further_apart_than_the_limit_are_not_measured()
    {
        var random = new Random(5);
        for (var trial = 0; trial < 500; trial++)
        {
            var common = Enumerable.Range(0, random.Next(0, 2_000)).Select(_ => Next(random)).ToList();
            var extra = Enumerable.Range(0, random.Next(Limit + 1, 200)).Select(_ => Next(random)).ToArray();
            Assert.Null(CellSketch.Difference(Of(common.Concat(extra)), Of(common), Limit));
            // Unrelated sets of the same size are far apart too.
            Assert.Null(CellSketch.Difference(Of(extra), Of(extra.Select(_ => Next(random))), Limit));
        }
    }

    [Fact]
    public void A_sketch_reads_back_as_it_was_written()
    {
        var random = new Random(6);
        var records = Enumerable.Range(0, 500).Select(_ => Next(random)).ToArray();
        var bytes = new byte[CellSketch.Bytes];
        Of(records).WriteTo(bytes);
        var read = CellSketch.Read(bytes);
        Assert.Equal((0, 0u), CellSketch.Difference(read, Of(records), Limit));
        Assert.Equal((1, (uint)records[0]), CellSketch.Difference(read, Of(records[1..]), Limit));
    }
}
