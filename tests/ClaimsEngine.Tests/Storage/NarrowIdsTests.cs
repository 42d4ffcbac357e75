using System.Text;
using System.Text.Json;
using Claims.Engine.Kernels;
using Claims.Engine.Query;
using Claims.Engine.Schema;
using Claims.Engine.Storage;
using Claims.Engine.Tests.Query;
using Claims.Testing;

namespace Claims.Engine.Tests.Storage;

/// <summary>
/// Dictionary ids stored as narrow as the dictionary allows (one byte up to 128 entries, two up to 32,768, else
/// four), on random strings with nulls, a partial last block and a tail shorter than a vector: the widths the
/// writer chose, the widened ids, and every kind of code test, group and distinct count at every SIMD width,
/// each against the answer worked out from the strings themselves.
/// </summary>
public class NarrowIdsTests
{
    private const int BlockRows = 4_096;

    [Theory]
    [InlineData(1, 70, 1)]
    [InlineData(128, 9_001, 1)]
    [InlineData(129, 9_001, 2)]
    [InlineData(32_768, 70_003, 2)]
    [InlineData(32_769, 70_003, 4)]
    public void Ids_are_stored_at_the_narrowest_width_and_every_test_on_them_agrees_with_the_strings(int entries, int rows, int width)
    {
        using var temp = new TempDirectory();
        var random = new Random(entries);
        var values = Values(entries, rows, random);
        var schema = SchemaCopies.WithBlockRows(temp.Combine("schema"), BlockRows);
        Write(temp.Combine("data"), schema, values);
        using var dataset = Dataset.Open(temp.Combine("data"), schema: schema);

        var column = dataset.Table("diagnoses").Partitions.Single().Column("disease_name");
        Assert.Equal(entries, column.Dictionary.Count);
        Assert.Equal(width switch { 1 => LogicalType.Int8, 2 => LogicalType.Int16, _ => LogicalType.String }, column.StoredType);
        Assert.Equal((long)rows * width, column.DataBytes.Length);
        // The widened copy, and the row accessors that read the narrow form in place, give every row's string.
        var wide = column.Values<int>();
        for (var r = 0; r < rows; r++)
        {
            Assert.Equal(values[r], column.IsNull(r) ? null : column.Dictionary[wide[r]]);
            Assert.Equal(values[r], (string?)column.GetValue(r));
        }

        // Rows gathered in any order read the narrow ids in place, as copies and exports do.
        var picked = Enumerable.Range(0, 500).Select(_ => random.Next(rows)).ToArray();
        var gathered = new int[picked.Length];
        column.Gather<int>(picked, gathered);
        for (var i = 0; i < picked.Length; i++) Assert.Equal(wide[picked[i]], gathered[i]);

        var present = values.Where(v => v is not null).Select(v => v!).ToArray();
        var distinct = present.Distinct().Order(StringComparer.Ordinal).ToArray();
        var (a, b) = (distinct[random.Next(distinct.Length)], distinct[random.Next(distinct.Length)]);
        var (low, high) = Utf8Order(a, b) <= 0 ? (a, b) : (b, a);
        var prefix = a[..Math.Min(2, a.Length)];
        var cases = new (string Where, long Expected)[]
        {
            ($$"""{"col": "disease_name", "eq": {{Json(a)}}}""", present.Count(v => v == a)),
            ($$"""{"col": "disease_name", "ne": {{Json(a)}}}""", present.Count(v => v != a)),
            ($$"""{"col": "disease_name", "in": [{{Json(a)}}, {{Json(b)}}, "absent"]}""", present.Count(v => v == a || v == b)),
            ($$"""{"col": "disease_name", "notIn": [{{Json(b)}}]}""", present.Count(v => v != b)),
            ($$"""{"col": "disease_name", "prefix": {{Json(prefix)}}}""", present.Count(v => v.StartsWith(prefix, StringComparison.Ordinal))),
            ($$"""{"col": "disease_name", "between": [{{Json(low)}}, {{Json(high)}}]}""", present.Count(v => Utf8Order(v, low) >= 0 && Utf8Order(v, high) <= 0)),
            ("""{"col": "disease_name", "isNull": true}""", rows - present.Length),
            ($$"""{"and": [{"col": "disease_name", "in": [{{Json(a)}}, {{Json(b)}}]}, {"col": "outcome", "eq": 1}]}""", Count(values, (v, r) => (v == a || v == b) && r % 3 == 1)),
        };
        var groups = present.GroupBy(v => v).ToDictionary(g => g.Key, g => (long)g.Count());
        foreach (var level in SimdLevels.All)
        {
            var options = new ExecutionOptions(level);
            foreach (var (where, expected) in cases)
                Assert.True(expected == Single(dataset, $$"""{"from": "diagnoses", "where": {{where}}, "select": [{"count": "*", "as": "n"}]}""", options),
                    $"{level}, {width}-byte ids: {where} should count {expected}");

            var grouped = QueryOracle.Rows(dataset.Execute(QueryParser.Parse("""{"from": "diagnoses", "groupBy": ["disease_name"], "select": [{"count": "*", "as": "n"}]}""", dataset.Schema), options))
                .ToDictionary(r => r[0] ?? "(null)", r => long.Parse(r[1]!));
            Assert.Equal(groups.Count + (rows > present.Length ? 1 : 0), grouped.Count);
            foreach (var (value, count) in groups) Assert.Equal(count, grouped[value]);
            Assert.Equal(distinct.Length, Single(dataset, """{"from": "diagnoses", "select": [{"countDistinct": "disease_name", "as": "n"}]}""", options));
        }
    }

    /// <summary><paramref name="entries"/> distinct strings, each at least once, sharing prefixes and not all ASCII; about one row in ten null.</summary>
    private static string?[] Values(int entries, int rows, Random random)
    {
        string[] stems = ["A", "AB", "B", "糖尿", "ｱｲ", "😀"];
        var dictionary = Enumerable.Range(0, entries).Select(i => $"{stems[i % stems.Length]}{i:x}").ToArray();
        var values = new string?[rows];
        for (var r = 0; r < rows; r++)
            values[r] = r < entries ? dictionary[r] : random.Next(10) == 0 ? null : dictionary[random.Next(entries)];
        random.Shuffle(values);
        return values;
    }

    private static void Write(string directory, ClaimsSchema schema, string?[] values)
    {
        using var writer = DatasetWriter.Create(directory, new DatasetWriteOptions { Schema = schema });
        var batch = new RowBatch(schema.Table("diagnoses"), values.Length) { Count = values.Length };
        Array.Fill(batch.Values<int>("service_month"), 202304);
        Array.Fill(batch.Strings("disease_code"), "X");
        values.CopyTo(batch.Strings("disease_name"), 0);
        Array.Fill(batch.Nulls("patient_id"), true);
        Array.Fill(batch.Nulls("start_date"), true);
        var outcomes = batch.Values<sbyte>("outcome");
        for (var r = 0; r < values.Length; r++) outcomes[r] = (sbyte)(r % 3);
        writer.Partition("diagnoses", 202304).Append(batch);
        writer.Commit();
    }

    private static long Single(Dataset dataset, string json, ExecutionOptions options) =>
        long.Parse(QueryOracle.Rows(dataset.Execute(QueryParser.Parse(json, dataset.Schema), options)).Single()[0]!);

    private static long Count(string?[] values, Func<string?, int, bool> test) => values.Where((v, r) => v is not null && test(v, r)).LongCount();

    private static int Utf8Order(string x, string y) => Encoding.UTF8.GetBytes(x).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y));

    private static string Json(string value) => JsonSerializer.Serialize(value);

    [Fact]
    public void A_widened_copy_is_shared_while_in_use_and_left_to_the_collector_after()
    {
        using var temp = new TempDirectory();
        var schema = SchemaCopies.WithBlockRows(temp.Combine("schema"), BlockRows);
        Write(temp.Combine("data"), schema, Values(100, 2_000_000, new Random(5)));
        using var dataset = Dataset.Open(temp.Combine("data"), schema: schema);
        var partition = dataset.Table("diagnoses").Partitions.Single();
        var (names, months) = (partition.Column("disease_name"), partition.Column("service_month"));
        Assert.Equal(LogicalType.Int8, names.StoredType);
        Assert.True(months.IsConstant);
        Assert.True(SharedWhileInUse(names, months));
        // A dataset held open by the service must not keep a four-byte copy of every column it ever widened. Asked of
        // the columns, not of the process's memory, which the tests running beside this one change.
        Assert.True(Read(names, months) > 0);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(names.HoldsDecodedCopy, "the widened ids outlived their readers");
        Assert.False(months.HoldsDecodedCopy, "the repeated month outlived its readers");
        // Gathering rows never makes one.
        names.Gather<int>([0, 1_999_999], new int[2]);
        months.Gather<int>([0, 1_999_999], new int[2]);
        Assert.False(names.HoldsDecodedCopy || months.HoldsDecodedCopy);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static bool SharedWhileInUse(MappedColumn names, MappedColumn months)
    {
        var a = names.Values<int>();
        var b = months.Values<int>();
        return a.Overlaps(names.Values<int>()) && b.Overlaps(months.Values<int>());
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static long Read(MappedColumn names, MappedColumn months)
    {
        long sum = 0;
        foreach (var v in names.Values<int>()) sum += v;
        foreach (var v in months.Values<int>()) sum += v;
        return sum;
    }
}
