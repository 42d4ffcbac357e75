namespace Claims.Modelling.Features;

/// <summary>
/// Every member's features, row-major (member × feature), with the features' names and the flags dropped for
/// being seen in too few members.
/// </summary>
internal sealed record FeatureMatrix(IReadOnlyList<string> Names, float[] Values, IReadOnlyList<string> Dropped)
{
    public int Width => Names.Count;

    public ReadOnlySpan<float> Row(int member) => Values.AsSpan(member * Width, Width);
}
