using Claims.Engine.Kernels;
using Claims.Engine.Query;
using Claims.Engine.Storage;
using Claims.Engine.Tests.Query;
using Claims.Testing;

namespace Claims.Engine.Tests.Storage;

/// <summary>
/// A column of one value and no nulls stores no values, only its zone maps: which columns qualify (not one with a
/// null, not one whose value changes at a block boundary), the value every reader gets, and every test, group
/// and aggregate on it at every SIMD width, against the answer the rows give.
/// </summary>
public class ConstantColumnTests
{
    private const int Rows = 9_001;
    private const long ReceiptId = 7_000_000_000;

    [Fact]
    public void A_column_of_one_value_stores_none_and_every_query_on_it_answers_as_its_rows_do()
    {
        using var temp = new TempDirectory();
        var schema = SchemaCopies.WithBlockRows(temp.Combine("schema"), 4_096);
        using (var writer = DatasetWriter.Create(temp.Combine("data"), new DatasetWriteOptions { Schema = schema }))
        {
            var batch = new RowBatch(schema.Table("diagnoses"), Rows) { Count = Rows };
            Array.Fill(batch.Values<int>("service_month"), 202304);
            Array.Fill(batch.Strings("disease_code"), "X");
            Array.Fill(batch.Values<long>("receipt_id"), ReceiptId);
            Array.Fill(batch.Values<int>("patient_id"), 42);
            Array.Fill(batch.Values<sbyte>("outcome"), (sbyte)3);
            // One value but some nulls; and a value that changes only where a block starts.
            Array.Fill(batch.Values<int>("start_date"), 19_500);
            for (var r = 0; r < Rows; r += 5) batch.Nulls("start_date")[r] = true;
            var suspected = batch.Values<bool>("is_suspected");
            for (var r = 0; r < Rows; r++) suspected[r] = r >= 4_096;
            writer.Partition("diagnoses", 202304).Append(batch);
            writer.Commit();
        }
        using var dataset = Dataset.Open(temp.Combine("data"), ChecksumVerification.AtOpen, schema);
        var partition = dataset.Table("diagnoses").Partitions.Single();
        var constants = new (string Column, long Value)[] { ("service_month", 202304), ("receipt_id", ReceiptId), ("patient_id", 42), ("outcome", 3) };
        foreach (var (name, value) in constants)
        {
            var column = partition.Column(name);
            Assert.True(column.IsConstant, name);
            Assert.Equal(value, column.Constant);
            Assert.Empty(column.DataBytes.ToArray());
            Assert.Equal(value, Convert.ToInt64(column.GetValue(Rows - 1)));
        }
        Assert.All(partition.Column("receipt_id").Values<long>().ToArray(), v => Assert.Equal(ReceiptId, v));
        Assert.All(partition.Column("outcome").Values<sbyte>().ToArray(), v => Assert.Equal(3, v));
        Assert.False(partition.Column("start_date").IsConstant);
        Assert.False(partition.Column("is_suspected").IsConstant);

        var cases = new (string Where, long Expected)[]
        {
            ("""{"col": "outcome", "eq": 3}""", Rows),
            ("""{"col": "outcome", "eq": 1}""", 0),
            ("""{"col": "outcome", "ne": 3}""", 0),
            ("""{"col": "outcome", "in": [1, 3]}""", Rows),
            ("""{"col": "outcome", "notIn": [3]}""", 0),
            ("""{"col": "outcome", "notIn": [1]}""", Rows),
            ("""{"col": "outcome", "lt": 3}""", 0),
            ("""{"col": "patient_id", "between": [41, 42]}""", Rows),
            ("""{"col": "patient_id", "ge": 43}""", 0),
            ("""{"col": "receipt_id", "eq": 7000000000}""", Rows),
            ("""{"col": "service_month", "ge": 0}""", Rows),
            ("""{"col": "outcome", "isNull": true}""", 0),
            ("""{"and": [{"col": "outcome", "eq": 3}, {"not": {"col": "start_date", "isNull": true}}]}""", Rows - (Rows + 4) / 5),
            ("""{"and": [{"col": "patient_id", "eq": 42}, {"col": "is_suspected", "eq": true}]}""", Rows - 4_096),
            ("""{"or": [{"col": "patient_id", "eq": 7}, {"col": "is_suspected", "eq": false}]}""", 4_096),
        };
        foreach (var level in SimdLevels.All)
        {
            var options = new ExecutionOptions(level);
            foreach (var (where, expected) in cases)
                Assert.True(expected == Count(dataset, where, options), $"{level}: {where} should count {expected}");
            var grouped = QueryOracle.Rows(dataset.Execute(QueryParser.Parse(
                """{"from": "diagnoses", "groupBy": ["outcome", "service_month", "fiscal_year"], "select": [{"count": "*", "as": "n"}, {"sum": "patient_id", "as": "s"}, {"min": "outcome", "as": "lo"}, {"max": "receipt_id", "as": "hi"}, {"countDistinct": "patient_id", "as": "p"}]}""",
                dataset.Schema), options)).Single();
            Assert.Equal(new string?[] { "3", "202304", "2023", Rows.ToString(), (42L * Rows).ToString(), "3", ReceiptId.ToString(), "1" }, grouped);
        }
    }

    private static long Count(Dataset dataset, string where, ExecutionOptions options) =>
        long.Parse(QueryOracle.Rows(dataset.Execute(QueryParser.Parse($$"""{"from": "diagnoses", "where": {{where}}, "select": [{"count": "*", "as": "n"}]}""", dataset.Schema), options)).Single()[0]!);
}
