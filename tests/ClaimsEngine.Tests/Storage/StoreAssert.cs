using System.Text;
using Claims.Engine.Schema;
using Claims.Engine.Storage;
using Claims.Testing;

namespace Claims.Engine.Tests.Storage;

/// <summary>Checks an opened dataset against the rows a <see cref="RandomDataset"/> wrote.</summary>
internal static class StoreAssert
{
    public static void HoldsExactly(Dataset dataset, RandomDataset source)
    {
        foreach (var table in dataset.Tables)
        {
            Assert.Equal(source.MonthKeys(), table.Partitions.Select(p => p.Key));
            foreach (var partition in table.Partitions)
            {
                var expected = source.Rows[(table.Name, partition.Key)];
                Assert.Equal(expected.Count, partition.RowCount);
                for (var c = 0; c < table.Schema.Columns.Count; c++)
                {
                    var column = partition.Columns[c];
                    for (var r = 0; r < expected.Count; r++)
                    {
                        var want = expected[r][c];
                        var got = column.GetValue(r);
                        if (!Equals(want, got))
                            Assert.Fail($"{column.Name} row {r}: expected {want ?? "null"}, read {got ?? "null"}");
                    }
                    ZonesMatch(column, expected.Select(row => row[c]).ToArray());
                }
            }
        }
    }

    private static void ZonesMatch(MappedColumn column, object?[] values)
    {
        var zones = column.Zones;
        Assert.Equal((values.Length + column.BlockRows - 1) / column.BlockRows, zones.Length);
        for (var b = 0; b < zones.Length; b++)
        {
            var block = values.Skip(b * column.BlockRows).Take(column.BlockRows).ToArray();
            var present = block.Where(v => v is not null).ToArray();
            Assert.Equal(block.Length - present.Length, zones[b].NullCount);
            Assert.Equal(present.Length, zones[b].ValueCount);
            if (present.Length == 0 || column.Schema.Type == LogicalType.Hash) continue;
            if (column.Schema.Type == LogicalType.Float32)
            {
                Assert.Equal(present.Min(v => (float)v!), zones[b].MinDouble);
                Assert.Equal(present.Max(v => (float)v!), zones[b].MaxDouble);
                continue;
            }
            var stored = StoredIds(column, b, present.Length == block.Length);
            Assert.Equal(stored.Min(), zones[b].Min);
            Assert.Equal(stored.Max(), zones[b].Max);
        }
    }

    /// <summary>The block's stored integers (dictionary ids for codes), nulls skipped.</summary>
    private static long[] StoredIds(MappedColumn column, int block, bool noNulls)
    {
        var start = block * column.BlockRows;
        var count = Math.Min(column.BlockRows, column.RowCount - start);
        var rows = Enumerable.Range(start, count).Where(r => noNulls || !column.IsNull(r));
        return column.Schema.Type switch
        {
            LogicalType.Bool => rows.Select(r => column.Values<bool>()[r] ? 1L : 0L).ToArray(),
            LogicalType.Int8 => rows.Select(r => (long)column.Values<sbyte>()[r]).ToArray(),
            LogicalType.Int16 => rows.Select(r => (long)column.Values<short>()[r]).ToArray(),
            LogicalType.Int64 => rows.Select(r => column.Values<long>()[r]).ToArray(),
            _ => rows.Select(r => (long)column.Values<int>()[r]).ToArray(),
        };
    }

    /// <summary>The dictionary is sorted by UTF-8 bytes and every prefix maps to exactly the ids that start with it.</summary>
    public static void DictionaryIsSortedWithPrefixRanges(ColumnDictionary dictionary, IEnumerable<string> prefixes)
    {
        for (var id = 1; id < dictionary.Count; id++)
            Assert.True(dictionary.Utf8(id - 1).SequenceCompareTo(dictionary.Utf8(id)) < 0, $"ids {id - 1} and {id} are out of order");
        foreach (var prefix in prefixes)
        {
            var (start, end) = dictionary.PrefixRange(prefix);
            var key = Encoding.UTF8.GetBytes(prefix);
            var expected = Enumerable.Range(0, dictionary.Count).Where(i => dictionary.Utf8(i).StartsWith(key)).ToArray();
            Assert.Equal(expected, Enumerable.Range(start, end - start));
        }
    }
}
