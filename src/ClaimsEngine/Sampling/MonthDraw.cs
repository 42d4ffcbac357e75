using Claims.Engine.Storage;

namespace Claims.Engine.Sampling;

/// <summary>
/// The receipts of one month drawn into the sample. Very high-cost claims are dropped first, so each stratum
/// (claim kind × sex × 5-year age band) keeps exactly round(rate × its eligible claims), rounding halves up; within
/// a stratum the claims with the smallest keys are taken, the key a hash of the seed and the receipt id, so the draw
/// is uniform, depends on nothing but the seed and the claim, and changes with the seed.
/// </summary>
internal sealed class MonthDraw
{
    private MonthDraw(int[] rows, Dictionary<long, SampledClaimKind> receipts, Dictionary<SampledClaimKind, KindCount> counts)
    {
        Rows = rows;
        Receipts = receipts;
        Counts = counts;
    }

    /// <summary>Rows of the receipts partition drawn, ascending.</summary>
    public int[] Rows { get; }

    /// <summary>The kind of every drawn receipt, by receipt id, so its lines can be found and masked in their group.</summary>
    public Dictionary<long, SampledClaimKind> Receipts { get; }

    public Dictionary<SampledClaimKind, KindCount> Counts { get; }

    public static MonthDraw Draw(DatasetPartition receipts, SampleOptions options)
    {
        var kinds = options.Kinds.ToDictionary(k => k.ClaimKind);
        var ids = receipts.Column("receipt_id").Values<long>();
        var claimKind = receipts.Column("claim_kind").Values<sbyte>();
        var sex = receipts.Column("sex").Values<sbyte>();
        var age = receipts.Column("age").Values<short>();
        var points = receipts.Column("total_points").Values<int>();
        var counts = options.Kinds.ToDictionary(k => k, _ => new KindCount());
        var strata = new Dictionary<(SampledClaimKind Kind, sbyte Sex, int Band), List<(ulong Key, int Row)>>();
        for (var row = 0; row < receipts.RowCount; row++)
        {
            if (!kinds.TryGetValue(claimKind[row], out var kind)) continue;
            var count = counts[kind];
            count.Source++;
            if (points[row] >= kind.HighCostPoints)
            {
                count.HighCost++;
                continue;
            }
            var stratum = (kind, sex[row], age[row] / 5);
            if (!strata.TryGetValue(stratum, out var members)) strata[stratum] = members = [];
            members.Add((Key(options.Seed, ids[row]), row));
        }

        var rows = new List<int>();
        var drawn = new Dictionary<long, SampledClaimKind>();
        foreach (var ((kind, _, _), members) in strata)
        {
            var take = (int)Math.Round(kind.Rate * members.Count, MidpointRounding.AwayFromZero);
            members.Sort();
            foreach (var (_, row) in members.Take(take))
            {
                rows.Add(row);
                drawn.Add(ids[row], kind);
            }
            counts[kind].Drawn += take;
        }
        rows.Sort();
        return new MonthDraw(rows.ToArray(), drawn, counts);
    }

    private static ulong Key(ulong seed, long receiptId) => Mix(Mix(seed) ^ (ulong)receiptId);

    // SplitMix64's finaliser: neighbouring receipt ids get unrelated keys.
    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}

/// <summary>Claims of one kind: in the drawn months of the source, dropped as very high-cost, and drawn.</summary>
internal sealed class KindCount
{
    public long Source { get; set; }
    public long HighCost { get; set; }
    public long Drawn { get; set; }
}
