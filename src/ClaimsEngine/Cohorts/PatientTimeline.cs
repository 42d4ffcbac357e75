using System.Runtime.CompilerServices;
using Claims.Engine.Query;
using Claims.Engine.Storage;

namespace Claims.Engine.Cohorts;

/// <summary>
/// Each patient's observation, as absolute months (0 = none): the first and last month with a receipt (one scan
/// of the receipts), and the first month with a death (a diagnosis with outcome 3, 死亡; one scan of the
/// diagnoses). Each part is built when a cohort first needs it and kept per opened dataset, since the data
/// under an open dataset never changes.
/// </summary>
internal sealed class PatientTimeline
{
    private static readonly ConditionalWeakTable<Dataset, PatientTimeline> s_cache = [];

    private readonly Lazy<(int[] First, int[] Last)> _observation;
    private readonly Lazy<int[]> _death;
    private readonly int? _dataEnd;
    private readonly string _directory;

    private PatientTimeline(Dataset dataset)
    {
        var receipts = dataset.Table("receipts");
        _dataEnd = receipts.Partitions.Count == 0 ? null : MonthKey.ToAbsolute(receipts.Partitions[^1].Key);
        _directory = dataset.Directory;
        _observation = new(() => Observe(dataset));
        _death = new(() => Deaths(dataset));
    }

    public int[] First => _observation.Value.First;
    public int[] Last => _observation.Value.Last;
    public int[] Death => _death.Value;

    /// <summary>
    /// The last month of the receipts, absolute: where follow-up ends for everyone. A shard without receipts in the months
    /// asked is told its split dataset's instead, so only a dataset's own cohort needs it.
    /// </summary>
    public int DataEnd => _dataEnd ?? throw new ClaimsException($"the dataset at '{_directory}' has no receipts");

    public static PatientTimeline Of(Dataset dataset) => s_cache.GetValue(dataset, d => new PatientTimeline(d));

    private static (int[] First, int[] Last) Observe(Dataset dataset)
    {
        var patients = EventScan.PatientCount(dataset);
        int[] first = new int[patients], last = new int[patients];
        var receipts = dataset.Table("receipts");
        // Months in ascending order: a patient's first month is the first one written, the last the last.
        foreach (var partition in receipts.Partitions)
        {
            var month = MonthKey.ToAbsolute(partition.Key);
            EventScan.Blocks(dataset, receipts.Schema, null, (p, start, count, _) =>
            {
                var ids = EventScan.PatientIds(p);
                var values = ids.Values<int>();
                for (var row = start; row < start + count; row++)
                {
                    if (ids.IsNull(row)) continue;
                    var patient = values[row];
                    if (first[patient] == 0) first[patient] = month;
                    last[patient] = month;
                }
            }, key => key == partition.Key);
        }
        return (first, last);
    }

    private static int[] Deaths(Dataset dataset)
    {
        var death = new int[EventScan.PatientCount(dataset)];
        var diagnoses = dataset.Schema.Table("diagnoses");
        using var died = System.Text.Json.JsonDocument.Parse("""{"col": "outcome", "eq": 3}""");
        EventScan.Blocks(dataset, diagnoses, QueryParser.ParseWhere(died.RootElement, diagnoses, dataset.Schema, "death"), (p, start, _, selected) =>
        {
            var ids = EventScan.PatientIds(p);
            var month = MonthKey.ToAbsolute(p.Key);
            foreach (var i in Kernels.Bitmap.SetBits(selected))
            {
                if (ids.IsNull(start + i)) continue;
                ref var slot = ref death[ids.Values<int>()[start + i]];
                // Several months' blocks run at once: keep the earliest.
                int seen;
                while (((seen = Volatile.Read(ref slot)) == 0 || month < seen) && Interlocked.CompareExchange(ref slot, month, seen) != seen) { }
            }
        });
        return death;
    }
}
