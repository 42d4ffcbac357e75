using Claims.Engine.Storage;

namespace Claims.Engine.Population;

/// <summary>One cell of the population table: the month (YYYYMM) and the insured persons' attributes in it.</summary>
public readonly record struct PopulationCell(int Month, sbyte Prefecture, sbyte Sex, short Age, sbyte InsurerKind);

/// <summary>
/// The population table (persons insured by month × prefecture × sex × age × insurer kind), written by whoever
/// makes a dataset: the generator from its persons, the importer from a file of published figures.
/// </summary>
public static class PopulationTable
{
    public const string Name = "population";
    private const int BatchRows = 4096;

    /// <summary>Writes the cells, one partition a month, sorted by prefecture, sex, age and insurer kind; returns the rows written.</summary>
    public static long Write(DatasetWriter writer, IEnumerable<KeyValuePair<PopulationCell, int>> cells)
    {
        var table = writer.Schema.Table(Name);
        long rows = 0;
        foreach (var month in cells.GroupBy(c => c.Key.Month).OrderBy(g => g.Key))
        {
            var sorted = month.OrderBy(c => c.Key.Prefecture).ThenBy(c => c.Key.Sex).ThenBy(c => c.Key.Age).ThenBy(c => c.Key.InsurerKind).ToArray();
            var partition = writer.Partition(Name, month.Key);
            for (var start = 0; start < sorted.Length; start += BatchRows)
            {
                var batch = new RowBatch(table, BatchRows);
                var count = Math.Min(BatchRows, sorted.Length - start);
                var months = batch.Values<int>("month");
                var prefectures = batch.Values<sbyte>("prefecture");
                var sexes = batch.Values<sbyte>("sex");
                var ages = batch.Values<short>("age");
                var kinds = batch.Values<sbyte>("insurer_kind");
                var persons = batch.Values<int>("persons");
                for (var i = 0; i < count; i++)
                {
                    var (cell, n) = sorted[start + i];
                    (months[i], prefectures[i], sexes[i], ages[i], kinds[i], persons[i]) = (cell.Month, cell.Prefecture, cell.Sex, cell.Age, cell.InsurerKind, n);
                }
                batch.Count = count;
                partition.Append(batch);
                rows += count;
            }
        }
        return rows;
    }
}
