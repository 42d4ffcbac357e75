using Apache.Arrow;
using Claims.Engine.Query;
using Claims.Engine.Schema;
using Claims.Engine.Storage;
using Claims.Testing;

namespace Claims.Engine.Tests.Query;

/// <summary>
/// Where trees over columns with NULLs, counted by the engine and by SQL's three-valued logic applied row by row
/// to the values RandomDataset wrote (C#'s bool? operators are that logic: a comparison with NULL is unknown, NOT
/// keeps unknown, AND is false when any term is, OR true when any term is). Only a NOT shows whether a row was
/// false or unknown, so most trees end in one. Each tree runs on months of 2,000 rows (every bitmap ends in a
/// partial word) and of 2,048 (every bitmap ends in a full one).
/// </summary>
public sealed class NullLogicTests(NullLogicTests.Data data) : IClassFixture<NullLogicTests.Data>
{
    public sealed class Data : IDisposable
    {
        private readonly TempDirectory _temp = new("claims-null-logic");

        public Data()
        {
            Sets = s_rowsPerMonth.Select(rows =>
            {
                var source = new RandomDataset { Seed = 31, Months = 3, RowsPerPartition = rows };
                source.Write(_temp.Combine(rows.ToString()));
                return (source, Dataset.Open(_temp.Combine(rows.ToString())));
            }).ToArray();
        }

        public (RandomDataset Source, Dataset Dataset)[] Sets { get; }

        public void Dispose()
        {
            foreach (var (_, dataset) in Sets) dataset.Dispose();
            _temp.Dispose();
        }
    }

    private static readonly int[] s_rowsPerMonth = [2_000, 2_048];

    private static readonly TableSchema s_receipts = ClaimsSchema.Default.Table("receipts");

    /// <summary>A where tree as the query's JSON and as a row's SQL truth value.</summary>
    private sealed record Where(string Json, Func<object?[], bool?> Truth);

    private static Where Compare(string column, string op, long value, Func<long, bool> test)
    {
        var i = s_receipts.IndexOf(column);
        return new Where($$"""{"col": "{{column}}", "{{op}}": {{value}}}""", r => r[i] is null ? null : test(Convert.ToInt64(r[i])));
    }

    private static Where Lt(string column, long value) => Compare(column, "lt", value, v => v < value);
    private static Where Gt(string column, long value) => Compare(column, "gt", value, v => v > value);
    private static Where Ge(string column, long value) => Compare(column, "ge", value, v => v >= value);
    private static Where Le(string column, long value) => Compare(column, "le", value, v => v <= value);
    private static Where Eq(string column, long value) => Compare(column, "eq", value, v => v == value);

    private static Where IsNull(string column, bool flag)
    {
        var i = s_receipts.IndexOf(column);
        return new Where($$"""{"col": "{{column}}", "isNull": {{(flag ? "true" : "false")}}}""", r => r[i] is null == flag);
    }

    /// <summary>A receipt with a row of <paramref name="child"/> in its month: RandomDataset's ids are random, so hardly any.</summary>
    private static Where Exists(RandomDataset source, string child)
    {
        var (id, month) = (s_receipts.IndexOf("receipt_id"), s_receipts.IndexOf("service_month"));
        var childId = ClaimsSchema.Default.Table(child).IndexOf("receipt_id");
        var ids = source.Rows.Where(p => p.Key.Table == child).ToDictionary(p => p.Key.Month, p => p.Value.Select(r => (long)r[childId]!).ToHashSet());
        return new Where($$$"""{"exists": {"from": "{{{child}}}"}}""", r => ids[(int)r[month]!].Contains((long)r[id]!));
    }

    private static Where Not(Where term) => new($$"""{"not": {{term.Json}}}""", r => !term.Truth(r));

    private static Where And(params Where[] terms) =>
        new($$"""{"and": [{{string.Join(", ", terms.Select(t => t.Json))}}]}""", r => terms.Select(t => t.Truth(r)).Aggregate((a, b) => a & b));

    private static Where Or(params Where[] terms) =>
        new($$"""{"or": [{{string.Join(", ", terms.Select(t => t.Json))}}]}""", r => terms.Select(t => t.Truth(r)).Aggregate((a, b) => a | b));

    private List<object?[]> Rows(int set) => data.Sets[set].Source.Rows.Where(p => p.Key.Table == "receipts").SelectMany(p => p.Value).ToList();

    private long Count(int set, Where where, ScanStatistics? statistics = null)
    {
        var json = $$"""{"from": "receipts", "where": {{where.Json}}, "select": [{"count": "*", "as": "n"}]}""";
        var dataset = data.Sets[set].Dataset;
        var batch = statistics is null ? dataset.Execute(json) : dataset.Execute(json, statistics);
        return ((Int64Array)batch.Column(0)).GetValue(0)!.Value;
    }

    private static readonly string[] s_trees =
    [
        "not lt", "or", "not or", "not not or", "not and, nullable first", "not and, nullable after a leaf without nulls", "not and of three",
        "not isNull", "not over not", "and of a not and a leaf", "or of a not and a leaf", "not and ending in exists",
    ];

    public static TheoryData<string, int> Trees()
    {
        var trees = new TheoryData<string, int>();
        foreach (var name in s_trees)
            for (var set = 0; set < s_rowsPerMonth.Length; set++) trees.Add(name, set);
        return trees;
    }

    private static Where Tree(string name, RandomDataset source) => name switch
    {
        "not lt" => Not(Lt("facility_id", 0)),
        "or" => Or(Lt("facility_id", 0), Gt("patient_id", 0)),
        "not or" => Not(Or(Lt("facility_id", 0), Gt("patient_id", 0))),
        // A row true on one side and unknown on the other is true, and must not stay unknown too: NOT keeps unknown.
        "not not or" => Not(Not(Or(Lt("facility_id", 0), Gt("patient_id", 0)))),
        "not and, nullable first" => Not(And(Lt("facility_id", 0), Gt("age", 0))),
        "not and, nullable after a leaf without nulls" => Not(And(Gt("age", 0), Lt("facility_id", 0))),
        "not and of three" => Not(And(Gt("total_points", 0), Lt("facility_id", 0), Gt("patient_id", 0))),
        "not isNull" => Not(IsNull("facility_id", false)),
        "not over not" => Not(Not(Gt("patient_id", 0))),
        "and of a not and a leaf" => And(Not(Lt("facility_id", 0)), Gt("total_points", 0)),
        "or of a not and a leaf" => Or(Not(Lt("facility_id", 0)), Lt("total_points", 0)),
        // The exists term reuses the bitmaps the nullable leaf before it wrote: none of that leaf's unknowns may remain.
        "not and ending in exists" => Not(And(Gt("age", 0), Lt("facility_id", 0), Exists(source, "dpc"))),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Trees))]
    public void A_where_tree_over_nulls_counts_the_rows_three_valued_logic_makes_true(string name, int set)
    {
        var where = Tree(name, data.Sets[set].Source);
        Assert.Equal(Rows(set).LongCount(r => where.Truth(r) == true), Count(set, where));
    }

    [Fact]
    public void The_columns_hold_nulls_and_values_so_the_trees_meet_unknown_rows()
    {
        for (var set = 0; set < s_rowsPerMonth.Length; set++)
        {
            foreach (var column in new[] { "facility_id", "patient_id" })
            {
                var i = s_receipts.IndexOf(column);
                Assert.Contains(Rows(set), r => r[i] is null);
                Assert.Contains(Rows(set), r => r[i] is not null);
            }
        }
    }

    [Fact]
    public void Months_are_read_only_where_an_and_or_an_or_of_month_ranges_allows()
    {
        var months = data.Sets[0].Source.MonthKeys().ToArray();
        var cases = new (Where Where, int Months)[]
        {
            (And(Ge("service_month", months[1]), Le("service_month", months[2]), Lt("facility_id", 0)), 2),
            (Or(Eq("service_month", months[0]), Eq("service_month", months[2])), 2),
            (And(Eq("service_month", months[0]), Or(Eq("service_month", months[0]), Eq("service_month", months[1]))), 1),
        };
        foreach (var (where, read) in cases)
        {
            var statistics = new ScanStatistics();
            Assert.Equal(Rows(0).LongCount(r => where.Truth(r) == true), Count(0, where, statistics));
            Assert.True(Rows(0).Any(r => where.Truth(r) == true), where.Json);
            Assert.Equal(months.Length, statistics.Blocks);
            Assert.Equal(read, statistics.Scanned);
        }
    }
}
