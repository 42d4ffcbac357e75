using Claims.Engine.Storage;

namespace Claims.Engine.Sampling;

/// <summary>
/// The receipts of one month drawn into the sample. Very high-cost claims are dropped first; then each claim kind
/// keeps exactly round(rate × its eligible claims), rounding halves up, shared among its strata (sex × 5-year age
/// band) by <see cref="LargestRemainder"/>, so each keeps the floor or ceiling of its quota. Within a stratum the
/// claims with the smallest keys are taken, the key a hash of the seed and the receipt id, so the draw is uniform,
/// depends on nothing but the seed and the claims, and changes with the seed.
/// </summary>
internal sealed class MonthDraw
{
    private MonthDraw(Dictionary<long, SampledClaimKind> receipts, Dictionary<SampledClaimKind, KindCount> counts)
    {
        Receipts = receipts;
        Counts = counts;
    }

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
        var strata = new Dictionary<SampledClaimKind, Dictionary<(sbyte Sex, int Band), List<(ulong Key, int Row)>>>();
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
            if (!strata.TryGetValue(kind, out var ofKind)) strata[kind] = ofKind = [];
            var stratum = (sex[row], age[row] / 5);
            if (!ofKind.TryGetValue(stratum, out var members)) ofKind[stratum] = members = [];
            members.Add((SeededKey.Of(options.Seed, ids[row]), row));
        }

        var drawn = new Dictionary<long, SampledClaimKind>();
        foreach (var (kind, ofKind) in strata)
        {
            var members = ofKind.Values.ToArray();
            // Ties between equal remainders go by a key of the seed and the stratum, so no stratum is always favoured.
            var tieKeys = ofKind.Keys.Select(s => SeededKey.Of(options.Seed, StratumId(receipts.Key, kind, s.Sex, s.Band))).ToArray();
            var takes = LargestRemainder.Allocate(kind.Rate, members.Select(m => m.Count).ToArray(), tieKeys);
            for (var s = 0; s < members.Length; s++)
            {
                members[s].Sort();
                foreach (var (_, row) in members[s].Take(takes[s])) drawn.Add(ids[row], kind);
            }
            counts[kind].Drawn += takes.Sum();
        }
        return new MonthDraw(drawn, counts);
    }

    private static long StratumId(int month, SampledClaimKind kind, sbyte sex, int band) =>
        ((long)month << 32) | ((long)kind.ClaimKind << 16) | ((long)(byte)sex << 8) | (byte)band;
}

/// <summary>Claims of one kind: in the drawn months of the source, dropped as very high-cost, and drawn.</summary>
internal sealed class KindCount
{
    public long Source { get; set; }
    public long HighCost { get; set; }
    public long Drawn { get; set; }
}
