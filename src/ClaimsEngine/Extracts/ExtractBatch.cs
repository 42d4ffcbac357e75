using Apache.Arrow;
using Claims.Engine.Cohorts;
using Claims.Engine.Schema;
using Claims.Engine.Storage;
using ParquetSharp;

namespace Claims.Engine.Extracts;

/// <summary>
/// Up to <see cref="Capacity"/> extract rows in column buffers: what one Parquet row group, Arrow record batch or
/// CSV write holds. It is refilled, never grown, so memory stays the same whatever the table's size.
/// </summary>
internal sealed class ExtractBatch
{
    private readonly Cohort _cohort;
    private readonly Pseudonyms _pseudonyms;

    public ExtractBatch(IReadOnlyList<ExtractColumn> columns, int capacity, Cohort cohort, Pseudonyms pseudonyms)
    {
        Columns = columns;
        Capacity = capacity;
        Buffers = columns.Select(c => ColumnBuffer.For(c.Type, capacity)).ToArray();
        _cohort = cohort;
        _pseudonyms = pseudonyms;
    }

    public IReadOnlyList<ExtractColumn> Columns { get; }
    public IReadOnlyList<ColumnBuffer> Buffers { get; }
    public int Capacity { get; }
    public int Count { get; private set; }
    public bool IsFull => Count == Capacity;

    public void Clear() => Count = 0;

    /// <summary>Appends as many of <paramref name="rows"/> of <paramref name="partition"/> as fit; returns how many did. The rows must be cohort members'.</summary>
    public int Append(DatasetPartition partition, ReadOnlySpan<int> rows)
    {
        rows = rows[..Math.Min(rows.Length, Capacity - Count)];
        var patients = partition.Column(ExtractColumns.PatientColumn).Values<int>();
        for (var c = 0; c < Columns.Count; c++)
        {
            var column = Columns[c];
            switch (column.Role)
            {
                case ExtractColumnRole.Copied:
                    Buffers[c].Gather(partition.Columns[column.Source], rows, Count);
                    break;
                case ExtractColumnRole.Patient:
                    var texts = ((StringBuffer)Buffers[c]).Values;
                    for (var i = 0; i < rows.Length; i++) texts[Count + i] = _pseudonyms.Patient(patients[rows[i]]);
                    break;
                case ExtractColumnRole.Record:
                    Buffers[c].Gather(partition.Columns[column.Source], rows, Count);
                    _pseudonyms.Records(column.Name, ((ValueBuffer<long>)Buffers[c]).Values.AsSpan(Count, rows.Length));
                    break;
                case ExtractColumnRole.IndexDate:
                    var index = ((DateBuffer)Buffers[c]).Values;
                    for (var i = 0; i < rows.Length; i++) index[Count + i] = FirstDay(_cohort.IndexMonth(patients[rows[i]]));
                    break;
                case ExtractColumnRole.ExitDate:
                    var exit = ((DateBuffer)Buffers[c]).Values;
                    for (var i = 0; i < rows.Length; i++) exit[Count + i] = LastDay(_cohort.ExitMonth(patients[rows[i]]));
                    break;
            }
        }
        Count += rows.Length;
        return rows.Length;
    }

    /// <summary>
    /// Appends as many rows of <paramref name="records"/> from <paramref name="start"/> on as fit; returns how many did.
    /// The rows are a shard's extract rows, already in this batch's columns (pseudonyms and dates made on the shard).
    /// </summary>
    public int Append(RecordBatch records, int start)
    {
        if (records.ColumnCount != Columns.Count || Columns.Where((c, i) => records.Schema.GetFieldByIndex(i).Name != c.Name).Any())
            throw new ClaimsException($"extract rows came in the columns ({string.Join(", ", records.Schema.FieldsList.Select(f => f.Name))}), not this extract's");
        var count = Math.Min(records.Length - start, Capacity - Count);
        for (var c = 0; c < Columns.Count; c++) Buffers[c].Load(records.Column(c), start, count, Count);
        Count += count;
        return count;
    }

    private static Date? FirstDay(int month) => month == 0 ? null : new Date(DateDays.From(new DateOnly(month / 100, month % 100, 1)));

    private static Date? LastDay(int month) =>
        month == 0 ? null : new Date(DateDays.From(new DateOnly(month / 100, month % 100, DateTime.DaysInMonth(month / 100, month % 100))));
}
