using Claims.Engine.Sampling;
using Claims.Engine.Storage;

namespace Claims.Engine.Sharding;

/// <summary>
/// Which shard a row goes to: by its patient (SplitMix64 of patient_id, so neighbouring ids spread), so a patient
/// never crosses shards and distinct patients, cohorts and extracts are shard-local; a row without a patient by its
/// receipt (its checkup on the checkups table), so a receipt's lines stay with it; a table of no patients (population)
/// whole on the first shard, so that a sum over the shards counts each of its rows once.
/// </summary>
internal static class ShardRule
{
    public const string Text = "splitmix64(patient_id) mod shards; rows without a patient by splitmix64(receipt_id, or checkup_id on checkups) mod shards; tables of no patients (population) whole on shard 0";

    /// <summary>Keys that differ from the sampling product's and disclosure control's draws of the same ids.</summary>
    private const ulong Seed = 0x5348415244;

    /// <summary>Each row's shard in <paramref name="partition"/>.</summary>
    public static int[] Of(DatasetPartition partition, int shards)
    {
        if (!partition.Table.TryGetColumn("patient_id", out _)) return new int[partition.RowCount];
        var patients = partition.Column("patient_id");
        var own = partition.Column(partition.Table.Columns.Any(c => c.Name == "receipt_id") ? "receipt_id" : "checkup_id").Values<long>();
        var ids = patients.Values<int>();
        var shard = new int[partition.RowCount];
        for (var row = 0; row < shard.Length; row++)
            shard[row] = patients.IsNull(row) ? (int)(SeededKey.Of(~Seed, own[row]) % (ulong)shards) : OfPatient(ids[row], shards);
        return shard;
    }

    /// <summary>The shard a patient's rows all go to: what a coordinator checks a shard's answer about patients against.</summary>
    public static int OfPatient(int patient, int shards) => (int)(SeededKey.Of(Seed, patient) % (ulong)shards);
}
