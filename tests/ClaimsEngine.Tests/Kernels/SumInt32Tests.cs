using Claims.Engine.Kernels;

namespace Claims.Engine.Tests.Kernels;

public class SumInt32Tests
{
    public static TheoryData<SimdLevel> Levels => new(SimdLevels.All);

    [Theory]
    [MemberData(nameof(Levels))]
    public void Every_path_agrees_with_the_scalar_twin_on_random_input_of_every_length(SimdLevel level)
    {
        var random = new Random(1234 + (int)level);
        for (var length = 0; length <= 300; length++)
        {
            // Extremes included: widening must keep int.MaxValue runs from overflowing.
            var values = Enumerable.Range(0, length)
                .Select(_ => random.Next(4) == 0 ? (random.Next(2) == 0 ? int.MaxValue : int.MinValue) : random.Next(int.MinValue, int.MaxValue))
                .ToArray();
            Assert.Equal(SumInt32.Scalar(values), SumInt32.Sum(values, level));
        }
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void Unaligned_slices_sum_like_the_scalar_twin(SimdLevel level)
    {
        var values = Enumerable.Range(0, 5000).Select(i => i * 7919 - 1_000_000).ToArray();
        for (var offset = 0; offset < 70; offset++)
            Assert.Equal(SumInt32.Scalar(values.AsSpan(offset)), SumInt32.Sum(values.AsSpan(offset), level));
    }

    [Fact]
    public void The_override_variable_is_parsed_and_bad_values_are_named()
    {
        Assert.Equal(SimdLevel.V128, SimdLevels.Parse("128"));
        Assert.Equal(SimdLevel.Scalar, SimdLevels.Parse(" Scalar "));
        Assert.Null(SimdLevels.Parse(null));
        Assert.Contains("CLAIMS_SIMD='1024'", Assert.Throws<ClaimsException>(() => SimdLevels.Parse("1024")).Message);
    }
}
