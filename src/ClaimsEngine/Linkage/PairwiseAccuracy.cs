namespace Claims.Engine.Linkage;

/// <summary>
/// Pairwise precision and recall of a clustering against the truth: a pair of records is a true positive when
/// both put it together. TP = Σ over (cluster, person) cells of C(n,2); precision = TP / Σ clusters C(n,2);
/// recall = TP / Σ persons C(n,2). Counted in long and divided in double, so billions of pairs are exact.
/// </summary>
internal readonly record struct PairwiseAccuracy(long TruePairs, long LinkedPairs, long TruthPairs)
{
    /// <summary>1 when no pair was linked (nothing claimed, nothing wrong).</summary>
    public double Precision => LinkedPairs == 0 ? 1 : (double)TruePairs / LinkedPairs;

    /// <summary>1 when no person has two records (nothing to find).</summary>
    public double Recall => TruthPairs == 0 ? 1 : (double)TruePairs / TruthPairs;

    /// <summary>Compares cluster <c>clusters[i]</c> with person <c>persons[i]</c> of every record i.</summary>
    public static PairwiseAccuracy Compute(ReadOnlySpan<int> clusters, ReadOnlySpan<int> persons)
    {
        if (clusters.Length != persons.Length)
            throw new ArgumentException($"{clusters.Length} clusters for {persons.Length} persons", nameof(persons));
        var clusterSizes = new Dictionary<int, long>();
        var personSizes = new Dictionary<int, long>();
        var cells = new Dictionary<long, long>();
        for (var i = 0; i < clusters.Length; i++)
        {
            Increment(clusterSizes, clusters[i]);
            Increment(personSizes, persons[i]);
            Increment(cells, (long)clusters[i] << 32 | (uint)persons[i]);
        }
        return new PairwiseAccuracy(Pairs(cells.Values), Pairs(clusterSizes.Values), Pairs(personSizes.Values));
    }

    private static void Increment<TKey>(Dictionary<TKey, long> counts, TKey key) where TKey : notnull =>
        counts[key] = counts.GetValueOrDefault(key) + 1;

    private static long Pairs(IEnumerable<long> sizes) => sizes.Sum(n => checked(n * (n - 1) / 2));
}
