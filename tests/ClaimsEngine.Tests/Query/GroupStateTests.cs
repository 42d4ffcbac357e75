using Claims.Engine.Query;
using Claims.Engine.Tests.Kernels;

namespace Claims.Engine.Tests.Query;

/// <summary>
/// A group's distinct values against a plain set: few small values kept as a set, many as bits, large ones apart,
/// whatever the order they came in, however the states were split and merged, copied or sent as bytes.
/// </summary>
public class GroupStateTests
{
    private static List<long> Values(GroupState state)
    {
        var values = new List<long>();
        state.ForEachDistinct(0, values.Add);
        return values;
    }

    private static void AssertHolds(HashSet<long> expected, GroupState state)
    {
        Assert.Equal(expected.Count, state.DistinctCount(0));
        var values = Values(state);
        Assert.Equal(values.Count, values.Distinct().Count());
        Assert.Equal(expected.Order(), values.Order());
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    public void Blocks_of_values_added_at_once_within_their_zone_are_each_counted_once(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 40; round++)
        {
            var state = new GroupState(1);
            var expected = new HashSet<long>();
            // Blocks one at a time, as a scan adds them: some few for their range (a set), some many (bits), some
            // single values, with one value by itself now and then between them.
            for (var block = 0; block < random.Next(1, 6); block++)
            {
                if (random.Next(3) == 0)
                {
                    var single = random.Next(2_000_000);
                    state.Rows++;
                    state.NonNull[0]++;
                    state.AddDistinct(0, single);
                    expected.Add(single);
                }
                var length = random.Next(1, 3_000);
                var low = random.Next(0, 1_000_000);
                var width = new[] { 1, 100, 50_000, 1_000_000 }[random.Next(4)];
                var values = Enumerable.Range(0, length).Select(_ => low + random.Next(width)).ToArray();
                var present = KernelInputs.Selection(random, length, extraWords: 0);
                var rows = 0L;
                for (var i = 0; i < length; i++)
                {
                    if (!KernelInputs.Selected(present, i)) continue;
                    expected.Add(values[i]);
                    rows++;
                }
                // Counted as present first, as every scan path does. The zone bounds every value of the block,
                // present or not, and is often wider than the present ones.
                state.Rows += rows;
                state.NonNull[0] += rows;
                state.AddDistinct<int>(0, values, present, rows, values.Min() - random.Next(3), values.Max() + random.Next(3));
            }
            AssertHolds(expected, state);
            AssertHolds(expected, RoundTrip(state));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Distinct_values_split_across_states_and_merged_any_way_are_each_counted_once(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 40; round++)
        {
            // Ranges from a handful of patients to a million, plus hash numbers past the bits' limit.
            var range = new[] { 64, 5_000, 1_000_000 }[random.Next(3)];
            var count = random.Next(0, 20_000);
            var values = Enumerable.Range(0, count)
                .Select(_ => random.Next(10) == 0 ? GroupState.DistinctBitsLimit + random.Next(1_000) : random.Next(range))
                .ToArray();
            var states = Enumerable.Range(0, random.Next(1, 5)).Select(_ => new GroupState(1)).ToArray();
            var expected = states.Select(_ => new HashSet<long>()).ToArray();
            foreach (var value in values)
            {
                var s = random.Next(states.Length);
                // A value counted as present, as every scan path counts it before it adds it.
                states[s].Rows++;
                states[s].NonNull[0]++;
                states[s].AddDistinct(0, value);
                expected[s].Add(value);
            }
            for (var s = 0; s < states.Length; s++) AssertHolds(expected[s], states[s]);

            var merged = states[0].Copy();
            foreach (var other in states.Skip(1).OrderBy(_ => random.Next())) merged.Merge(random.Next(2) == 0 ? other : RoundTrip(other));
            AssertHolds([.. values], merged);
            AssertHolds([.. values], RoundTrip(merged));
        }
    }

    [Fact]
    public void A_few_patients_among_a_million_stay_a_set_and_many_become_bits()
    {
        var few = new GroupState(1);
        foreach (var patient in new[] { 999_999L, 12, 500_000 }) Add(few, patient);
        Assert.NotNull(few.Sparse[0]);
        Assert.Null(few.DistinctBits[0]);

        var many = new GroupState(1);
        for (var patient = 0L; patient < 1_000_000; patient += 97) Add(many, patient);
        Assert.Null(many.Sparse[0]);
        Assert.NotNull(many.DistinctBits[0]);
        Assert.Equal(1_000_000 / 97 + 1, many.DistinctCount(0));

        // Merging a set into bits, and bits into a set, leaves one holder of small values.
        var into = few.Copy();
        into.Merge(many);
        Assert.Null(into.Sparse[0]);
        AssertHolds([.. Values(many), 999_999, 12, 500_000], into);
        var back = many.Copy();
        back.Merge(few);
        AssertHolds([.. Values(many), 999_999, 12, 500_000], back);
    }

    private static void Add(GroupState state, long value)
    {
        state.Rows++;
        state.NonNull[0]++;
        state.AddDistinct(0, value);
    }

    private static GroupState RoundTrip(GroupState state)
    {
        using var bytes = new MemoryStream();
        using (var writer = new BinaryWriter(bytes, System.Text.Encoding.UTF8, leaveOpen: true)) state.WriteTo(writer);
        bytes.Position = 0;
        using var reader = new BinaryReader(bytes);
        return GroupState.ReadFrom(reader, 1);
    }
}
