using Claims.Engine.Storage;

namespace Claims.Engine.Cohorts;

/// <summary>
/// Which rows of one table a query selected, as a bitset over the table's rows numbered across its partitions in
/// month order: what a released aggregate was computed from, so two releases over the same patients but different
/// rows can be told apart.
/// </summary>
public sealed class RowSelection
{
    private readonly ulong[] _words;

    public RowSelection(string table, long rows, ulong[] words)
    {
        if (words.Length != (rows + 63) >> 6) throw new ArgumentException($"{words.Length} words do not hold {rows} rows", nameof(words));
        Table = table;
        Rows = rows;
        _words = words;
    }

    public string Table { get; }

    /// <summary>The table's row count when selected: a release over another version of the table is not comparable.</summary>
    public long Rows { get; }

    public ReadOnlySpan<ulong> Words => _words;

    /// <summary>The first row number of each partition of <paramref name="table"/>, and the total.</summary>
    public static (long[] Starts, long Total) Layout(DatasetTable table)
    {
        var starts = new long[table.Partitions.Count];
        long total = 0;
        for (var p = 0; p < starts.Length; p++)
        {
            starts[p] = total;
            total += table.Partitions[p].RowCount;
        }
        return (starts, total);
    }

    /// <summary>The patient of row number <paramref name="row"/> (−1 when unknown).</summary>
    public static int PatientOf(DatasetTable table, long[] starts, long row)
    {
        var p = Array.BinarySearch(starts, row);
        if (p < 0) p = ~p - 1;
        // Empty partitions share a start with the next one: take the last partition starting at or before the row.
        while (p + 1 < starts.Length && starts[p + 1] == row) p++;
        var ids = EventScan.PatientIds(table.Partitions[p]);
        var local = (int)(row - starts[p]);
        return ids.IsNull(local) ? -1 : ids.Values<int>()[local];
    }
}
