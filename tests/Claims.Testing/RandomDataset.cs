using Claims.Engine.Schema;
using Claims.Engine.Storage;

namespace Claims.Testing;

/// <summary>
/// Random rows for every table of the schema, written through the store's writers, with the values kept in
/// memory (as <see cref="MappedColumn.GetValue"/> returns them) so a test can compare what it reads back.
/// Seeded: the same seed and shape give the same rows. Nullable columns get a null rate per partition drawn
/// from {0, 10%, 50%, 100%}, so the no-nulls, some-nulls and all-null paths all run.
/// </summary>
public sealed class RandomDataset
{
    private static readonly string[] s_codes = BuildCodes();

    public required int Seed { get; init; }
    public int FirstMonth { get; init; } = 202304;
    public int Months { get; init; } = 3;
    public int RowsPerPartition { get; init; } = 5_000;
    public int BatchRows { get; init; } = 4_096;

    /// <summary>The rows written, by table and month; each row holds one value per column in schema order.</summary>
    public Dictionary<(string Table, int Month), List<object?[]>> Rows { get; } = [];

    public IEnumerable<int> MonthKeys()
    {
        var month = FirstMonth;
        for (var i = 0; i < Months; i++)
        {
            yield return month;
            month = month % 100 == 12 ? month + 89 : month + 1;
        }
    }

    /// <summary>Writes and commits a dataset into <paramref name="directory"/>; <paramref name="afterBatch"/> runs after every appended batch.</summary>
    public DatasetManifest Write(string directory, DatasetWriteOptions? options = null, Action<int>? afterBatch = null)
    {
        options ??= new DatasetWriteOptions { Provenance = new DatasetProvenance(true, "tests: RandomDataset", new Dictionary<string, string> { ["seed"] = Seed.ToString() }) };
        using var writer = DatasetWriter.Create(directory, options);
        var batches = 0;
        for (var t = 0; t < writer.Schema.Tables.Count; t++)
        {
            var table = writer.Schema.Tables[t];
            foreach (var month in MonthKeys())
            {
                // HashCode.Combine is salted per process; the seed must give the same rows in every process.
                var random = new Random(Seed * 1_000_003 + t * 1_009 + month);
                var nullRates = table.Columns.Select(c => c.Nullable ? new[] { 0, 0.1, 0.5, 1.0 }[random.Next(4)] : 0).ToArray();
                var rows = Rows[(table.Name, month)] = [];
                var batch = new RowBatch(table, BatchRows);
                var partition = writer.Partition(table.Name, month);
                for (var written = 0; written < RowsPerPartition;)
                {
                    batch.Clear();
                    batch.Count = Math.Min(BatchRows, RowsPerPartition - written);
                    for (var r = 0; r < batch.Count; r++) rows.Add(FillRow(batch, r, month, random, nullRates));
                    partition.Append(batch);
                    written += batch.Count;
                    afterBatch?.Invoke(++batches);
                }
            }
        }
        return writer.Commit();
    }

    private static object?[] FillRow(RowBatch batch, int row, int month, Random random, double[] nullRates)
    {
        var table = batch.Table;
        var values = new object?[table.Columns.Count];
        for (var c = 0; c < values.Length; c++)
        {
            var column = table.Columns[c];
            var isNull = random.NextDouble() < nullRates[c];
            if (column.Type.IsDictionary())
            {
                var text = isNull ? null : s_codes[random.Next(s_codes.Length)];
                batch.Strings(c)[row] = text;
                values[c] = text;
                continue;
            }
            if (column.Nullable) batch.Nulls(c)[row] = isNull;
            values[c] = column.Type switch
            {
                LogicalType.Bool => Set(batch.Values<bool>(c), row, random.Next(2) == 1, isNull),
                LogicalType.Int8 => Set(batch.Values<sbyte>(c), row, (sbyte)random.Next(sbyte.MinValue, sbyte.MaxValue + 1), isNull),
                LogicalType.Int16 => Set(batch.Values<short>(c), row, (short)random.Next(short.MinValue, short.MaxValue + 1), isNull),
                LogicalType.Int32 => Set(batch.Values<int>(c), row, random.Next(int.MinValue, int.MaxValue), isNull),
                LogicalType.Int64 => Set(batch.Values<long>(c), row, random.NextInt64(long.MinValue, long.MaxValue), isNull),
                LogicalType.Float32 => Set(batch.Values<float>(c), row, (float)Math.Round(random.NextDouble() * 2000 - 1000, 3), isNull),
                LogicalType.Month => Set(batch.Values<int>(c), row,
                    column == table.PartitionColumn ? month : random.Next(1900, 2030) * 100 + random.Next(1, 13), isNull),
                LogicalType.Date => SetDate(batch.Values<int>(c), row, random.Next(-7000, 25000), isNull),
                LogicalType.Hash => SetHash(batch.Hashes(c), row, random, isNull),
                _ => throw new InvalidOperationException(column.ToString()),
            };
        }
        return values;
    }

    private static object? Set<T>(T[] values, int row, T value, bool isNull) where T : struct
    {
        values[row] = isNull ? default : value;
        return isNull ? null : value;
    }

    private static object? SetDate(int[] values, int row, int days, bool isNull)
    {
        values[row] = isNull ? 0 : days;
        return isNull ? null : DateDays.ToDate(days);
    }

    private static object? SetHash(byte[] hashes, int row, Random random, bool isNull)
    {
        var slot = hashes.AsSpan(row * 32, 32);
        if (isNull)
        {
            slot.Clear();
            return null;
        }
        random.NextBytes(slot);
        return Convert.ToHexStringLower(slot);
    }

    /// <summary>Codes that share prefixes (E11, E119, E1190...) and strings that are not ASCII, to test sorting and prefix ranges.</summary>
    private static string[] BuildCodes()
    {
        var codes = new List<string> { "", "E", "E1", "E11", "E110", "E119", "E1190", "E12", "I10", "J09", "J10", "J11", "糖尿病", "高血圧症", "ｱｲｳ", "😀" };
        var random = new Random(7);
        for (var i = 0; i < 200; i++)
            codes.Add($"{(char)('A' + random.Next(26))}{random.Next(100)}{(random.Next(3) == 0 ? "" : random.Next(10).ToString())}");
        return codes.Distinct().ToArray();
    }
}
