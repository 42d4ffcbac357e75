using Claims.Engine.Query;
using Claims.Engine.Schema;
using Claims.Engine.Storage;

namespace Claims.Engine.Cohorts;

/// <summary>
/// Age, sex, prefecture and claim kind as the entry event's own record states them: the receipt a claim line
/// belongs to, or the checkup itself. Entry events are looked up by key in their month's partition only, in
/// parallel across months, and only for live candidates (rows of other patients are passed over by a bit test
/// before any hash lookup); a value the record does not carry (a checkup's claim kind, a NULL) reads as −1.
/// </summary>
internal sealed class EntryAttributes
{
    public static readonly string[] Columns = ["age", "sex", "prefecture", "claim_kind"];

    private readonly int[][] _values;

    private EntryAttributes(int[][] values) => _values = values;

    /// <summary>Every candidate's value of <paramref name="column"/> (one of <see cref="Columns"/>), by candidate.</summary>
    public int[] Values(string column) => _values[Array.IndexOf(Columns, column)];

    /// <summary>The record table holding the attributes for events of <paramref name="entry"/>, and its key column.</summary>
    public static (TableSchema Table, string Key) RecordOf(ClaimsSchema schema, TableSchema entry) =>
        entry.Name == "checkups" ? (entry, "checkup_id")
        : entry.Name == "receipts" ? (entry, "receipt_id")
        : entry.ParentTable is { } parent && entry.ParentColumn is { } key ? (schema.Table(parent), key.Name)
        : throw new ClaimsException($"table '{entry.Name}' has no receipt or checkup to take age and sex from");

    public static EntryAttributes Read(Dataset dataset, TableSchema entry, Candidates candidates, PatientSet live, ExecutionOptions options, CancellationToken cancellationToken)
    {
        var (table, keyColumn) = RecordOf(dataset.Schema, entry);
        var values = Columns.Select(_ => Enumerable.Repeat(-1, candidates.Count).ToArray()).ToArray();
        var wanted = Enumerable.Range(0, candidates.Count).Where(c => candidates.Alive[c]).GroupBy(c => MonthKey.FromAbsolute(candidates.Month[c]))
            .ToDictionary(g => g.Key, g => g.ToDictionary(c => candidates.Key[c], c => c));
        Parallel.ForEach(dataset.Table(table.Name).Partitions.Where(p => wanted.ContainsKey(p.Key)), options.Parallel(cancellationToken), partition =>
        {
            var byKey = wanted[partition.Key];
            var ids = partition.Column(keyColumn).Values<long>();
            var patients = EventScan.PatientIds(partition);
            var patientIds = patients.Values<int>();
            var columns = Columns.Select(c => table.TryGetColumn(c, out _) ? partition.Column(c) : null).ToArray();
            for (var row = 0; row < ids.Length; row++)
            {
                if (!live.Contains(patientIds[row]) || patients.IsNull(row) || !byKey.TryGetValue(ids[row], out var candidate)) continue;
                for (var c = 0; c < columns.Length; c++)
                    if (columns[c] is { } column && column.GetValue(row) is { } value) values[c][candidate] = Convert.ToInt32(value);
            }
        });
        return new EntryAttributes(values);
    }
}
