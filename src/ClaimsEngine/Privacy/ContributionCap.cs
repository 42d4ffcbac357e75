using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Claims.Engine.Query;
using Claims.Engine.Sampling;
using Claims.Engine.Schema;
using Claims.Engine.Storage;

namespace Claims.Engine.Privacy;

/// <summary>
/// The most one release unit (a patient) is counted as adding to any sum of a column on restricted data: the
/// <see cref="Quantile"/> of the units' totals of the column over the whole table, in magnitude, never below one.
/// Each unit's total in a cell is clipped to it (<see cref="UnitTotals"/>) and it sizes the sum's noise
/// (<see cref="MagnitudeNoise"/>), so what one person can move a released sum by is known before any cell is read.
/// </summary>
/// <remarks>
/// A property of the table, not of any cell: sized by the cell's own data (its largest value, or the most one patient
/// added to it), a heavy patient among light ones widened the noise, and its width said they were there (attack
/// review 23: 11 of 70 with a diagnosis found, none without); and a cell of zeros had noise too narrow to hide a
/// value (review 22). Read once per dataset, column and unit from the units whose key falls in a fixed share, at most
/// about <see cref="Sample"/> rows of them, so it is the same in every process and its memory is bounded.
/// </remarks>
internal static class ContributionCap
{
    public const double Quantile = 0.99;

    private const long Sample = 1 << 21;
    private const int Shares = 1 << 16;

    private static readonly ConditionalWeakTable<Dataset, ConcurrentDictionary<(string Table, string Column, string Unit, int Shards), double>> s_caps = [];

    public static double Of(Dataset dataset, TableSchema table, ColumnSchema column, ReleaseUnit unit) => Of([dataset], table, column, unit);

    /// <summary>
    /// The cap over the shards of one dataset: a patient's rows all lie in one shard, so the sampled patients and
    /// their totals are the unsplit dataset's, and so is the cap.
    /// </summary>
    public static double Of(IReadOnlyList<Dataset> shards, TableSchema table, ColumnSchema column, ReleaseUnit unit) =>
        s_caps.GetOrCreateValue(shards[0]).GetOrAdd((table.Name, column.Name, unit.Column.Name, shards.Count), _ =>
        {
            var partitions = shards.SelectMany(s => s.Table(table.Name).Partitions).ToArray();
            return Of(Sampled(partitions, column, unit.Column, Kept(partitions.Sum(p => (long)p.RowCount))));
        });

    /// <summary>The cap from the sampled units' totals, in magnitude (<see cref="Sampled"/>), however many shards they came from.</summary>
    public static double Of(IReadOnlyCollection<double> totals)
    {
        if (totals.Count == 0) return 1;
        var sorted = totals.Order().ToArray();
        return Math.Max(1, sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(Quantile * sorted.Length))]);
    }

    /// <summary>The share of the <see cref="Shares"/> whose units are sampled from a table of <paramref name="rows"/> rows (over every shard).</summary>
    public static ulong Kept(long rows) => (ulong)Math.Max(1, Math.Min(Shares, Sample * Shares / Math.Max(1, rows)));

    /// <summary>
    /// The totals, in magnitude, of the sampled units of <paramref name="partitions"/>: a unit's rows all lie in one
    /// shard, so each shard's are its share of the unsplit table's sample, and the shards' together are that sample.
    /// </summary>
    public static double[] Sampled(IReadOnlyList<DatasetPartition> partitions, ColumnSchema column, ColumnSchema unit, ulong kept)
    {
        var strings = new GlobalStrings();
        var totals = new Dictionary<long, double>();
        foreach (var partition in partitions)
        {
            var values = new ValueReader(partition.Column(column.Name), Derivation.None, strings);
            var units = partition.Column(unit.Name);
            var unitReader = unit.Type == LogicalType.Hash ? null : new ValueReader(units, Derivation.None, strings);
            for (var row = 0; row < partition.RowCount; row++)
            {
                if (units.IsNull(row)) continue;
                // A hash's first eight bytes key its unit: the hashes are uniform, and interning every patient's would
                // hold the whole table's patients in memory.
                var key = unitReader?.Read(row) ?? BinaryPrimitives.ReadInt64LittleEndian(units.Hash(row));
                if (SeededKey.Of(0, key) % Shares >= kept) continue;
                var value = values.Read(row);
                if (value == GroupKey4.Null) continue;
                totals[key] = totals.GetValueOrDefault(key) + (values.IsFloat ? BitConverter.Int64BitsToDouble(value) : value);
            }
        }
        return [.. totals.Values.Select(Math.Abs)];
    }
}
