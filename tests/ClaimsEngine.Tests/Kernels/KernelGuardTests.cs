using Claims.Engine.Kernels;

namespace Claims.Engine.Tests.Kernels;

/// <summary>
/// The kernels' documented edges that the agreement tests never reach: how CLAIMS_SIMD is read, and the element
/// types and shapes each kernel refuses instead of reading past a buffer or summing a type it has no path for.
/// </summary>
public class KernelGuardTests
{
    public static TheoryData<SimdLevel> Levels => new(SimdLevels.All);

    [Theory]
    [InlineData("scalar", SimdLevel.Scalar)]
    [InlineData(" SCALAR ", SimdLevel.Scalar)]
    [InlineData("128", SimdLevel.V128)]
    [InlineData("256", SimdLevel.V256)]
    [InlineData("512", SimdLevel.V512)]
    public void CLAIMS_SIMD_names_each_width(string value, SimdLevel expected) => Assert.Equal(expected, SimdLevels.Parse(value));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void An_unset_or_blank_CLAIMS_SIMD_forces_nothing(string? value) => Assert.Null(SimdLevels.Parse(value));

    [Theory]
    [InlineData("avx2")]
    [InlineData("64")]
    [InlineData("1024")]
    public void Any_other_CLAIMS_SIMD_is_refused_naming_the_variable_and_the_value(string value)
    {
        var error = Assert.Throws<ClaimsException>(() => SimdLevels.Parse(value));
        Assert.Contains(SimdLevels.Variable, error.Message);
        Assert.Contains($"'{value}'", error.Message);
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void Combining_with_a_bitmap_shorter_than_the_target_is_refused(SimdLevel level)
    {
        var target = new ulong[3];
        var other = new ulong[2];
        Assert.Throws<ArgumentException>(() => Bitmap.And(target, other, level));
        Assert.Throws<ArgumentException>(() => Bitmap.Or(target, other, level));
        Assert.Throws<ArgumentException>(() => Bitmap.AndNot(target, other, level));
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void A_selection_shorter_than_the_rows_is_refused_rather_than_read_or_written_past(SimdLevel level)
    {
        // 65 rows need two words; one word would let the vector paths run off the end of the bitmap.
        var values = new int[65];
        var longs = new long[65];
        var floats = new float[65];
        var groups = new int[65];
        var shortSelection = new ulong[1];
        Assert.Throws<ArgumentException>(() => Bitmap.Not(shortSelection, 65));
        Assert.Throws<ArgumentException>(() => Bitmap.SetAll(shortSelection, 65));
        Assert.Throws<ArgumentException>(() => Predicates.Range(values, 0, 1, shortSelection, BitmapMode.Write, level));
        Assert.Throws<ArgumentException>(() => Predicates.Range(values, 1, 0, shortSelection, BitmapMode.Write, level));
        Assert.Throws<ArgumentException>(() => MaskedSum.Sum(values, shortSelection, level));
        Assert.Throws<ArgumentException>(() => MaskedSum.Sum(floats, shortSelection, level));
        Assert.Throws<ArgumentException>(() => MaskedMinMax.Min(longs, shortSelection, level));
        Assert.Throws<ArgumentException>(() => DenseGroupBy.Count(groups, shortSelection, new long[1]));
        Assert.Throws<ArgumentException>(() => DenseGroupBy.CountAndSum(groups, values, shortSelection, new long[1], new long[1]));
        Assert.Throws<ArgumentException>(() => DenseGroupBy.CountAndSum(groups, floats, shortSelection, new long[1], new double[1]));
        Assert.Throws<ArgumentException>(() => DenseGroupBy.Extremes(groups, values, shortSelection, new long[1], new long[1]));
    }

    [Fact]
    public void Group_sums_and_extremes_refuse_too_few_results_and_values_that_do_not_match_the_group_indexes()
    {
        var selection = new ulong[1];
        Assert.Throws<ArgumentException>(() => DenseGroupBy.CountAndSum<int>(new int[4], new int[4], selection, new long[3], new long[2]));
        Assert.Throws<ArgumentException>(() => DenseGroupBy.CountAndSum<int>(new int[4], new int[3], selection, new long[3], new long[3]));
        Assert.Throws<ArgumentException>(() => DenseGroupBy.CountAndSum(new int[4], new float[4], selection, new long[3], new double[2]));
        Assert.Throws<ArgumentException>(() => DenseGroupBy.CountAndSum(new int[4], new float[3], selection, new long[3], new double[3]));
        Assert.Throws<ArgumentException>(() => DenseGroupBy.Extremes<int>(new int[4], new int[4], selection, new long[3], new long[2]));
        Assert.Throws<ArgumentException>(() => DenseGroupBy.Extremes<int>(new int[4], new int[3], selection, new long[3], new long[3]));
    }

    [Fact]
    public void Element_types_without_a_path_are_refused_by_name()
    {
        var selection = new ulong[1];
        Assert.Contains("UInt64", Assert.Throws<NotSupportedException>(() => Predicates.NotEqual(new ulong[4], 1UL, selection)).Message);
        Assert.Contains("Double", Assert.Throws<NotSupportedException>(() => Predicates.Range(new double[4], 0d, 1d, selection)).Message);
        Assert.Contains("Int64", Assert.Throws<NotSupportedException>(() => Predicates.InSet(new long[4], [1UL], selection)).Message);
        Assert.Contains("Byte", Assert.Throws<NotSupportedException>(() => MaskedSum.Sum(new byte[4], selection)).Message);
        Assert.Contains("Int16", Assert.Throws<NotSupportedException>(() => MaskedMinMax.Min(new short[4], selection)).Message);
        Assert.Contains("Byte", Assert.Throws<NotSupportedException>(() => DenseGroupBy.CountAndSum(new int[4], new byte[4], selection, new long[1], new long[1])).Message);
        Assert.Contains("UInt32", Assert.Throws<NotSupportedException>(() => DenseGroupBy.Extremes(new int[4], new uint[4], selection, new long[1], new long[1])).Message);
    }

    [Fact]
    public void An_unknown_bitmap_mode_is_refused()
    {
        var selection = new ulong[1];
        Assert.Throws<ArgumentOutOfRangeException>(() => Predicates.NotEqual(new int[4], 1, selection, (BitmapMode)99, SimdLevel.Scalar));
    }
}
