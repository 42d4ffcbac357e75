namespace Claims.SyntheticGen.Randomness;

/// <summary>Items with a cumulative-weight table, for drawing by weight.</summary>
public sealed class Weighted<T>
{
    private readonly double[] _cumulative;

    public Weighted(IReadOnlyList<T> items, Func<T, double> weight)
    {
        if (items.Count == 0) throw new ArgumentException("nothing to draw from", nameof(items));
        Items = items;
        _cumulative = new double[items.Count];
        var sum = 0.0;
        for (var i = 0; i < items.Count; i++)
        {
            sum += Math.Max(0, weight(items[i]));
            _cumulative[i] = sum;
        }
        if (sum <= 0) throw new ArgumentException("all weights are zero", nameof(weight));
    }

    public IReadOnlyList<T> Items { get; }

    public T Draw(ref Rng rng) => Items[DrawIndex(ref rng)];

    public int DrawIndex(ref Rng rng) => rng.Pick(_cumulative);
}
