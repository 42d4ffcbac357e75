using System.Text.Json.Nodes;
using Claims.Engine.Schema;

namespace Claims.Engine.Indicators;

/// <summary>
/// The engine queries an indicator asks, as JSON text: the same text for the same question, so the ledger sees a
/// repeated view as the release it was. A measure's value is <c>value</c>, and its patients <c>patients</c>. No
/// query is narrowed by the filter's prefectures, which only pick the rows shown: narrowed, the nation row was a
/// fresh union of any prefectures asked, and a few hundred random halves solved together gave nearly every hidden
/// prefecture's exact count (the dashboards' first attack review).
/// </summary>
internal static class IndicatorQueries
{
    public static string Measure(IndicatorMeasure measure, ClaimsSchema schema, IndicatorFilter filter, JsonNode? extraWhere, IReadOnlyList<string> groupBy)
    {
        var table = schema.Table(measure.From);
        var select = new JsonArray(measure.Kind switch
        {
            MeasureKind.Sum => new JsonObject { ["sum"] = measure.Column, ["as"] = "value" },
            MeasureKind.Patients => new JsonObject { ["countDistinct"] = "patient_id", ["as"] = "value" },
            _ => new JsonObject { ["count"] = "*", ["as"] = "value" },
        });
        if (measure.Kind != MeasureKind.Patients) select.Add(new JsonObject { ["countDistinct"] = "patient_id", ["as"] = "patients" });
        return Query(table, Terms(schema, table, filter).Concat([measure.Where, extraWhere]), groupBy, select);
    }

    public static string Population(PopulationDenominator population, ClaimsSchema schema, IndicatorFilter filter, JsonNode? extraWhere, IReadOnlyList<string> groupBy)
    {
        var table = schema.Table("population");
        var ages = new JsonObject { ["col"] = "age", ["between"] = new JsonArray(population.AgeFrom, population.AgeTo) };
        return Query(table, Terms(schema, table, filter).Concat([ages, extraWhere]), groupBy,
            new JsonArray(new JsonObject { ["sum"] = "persons", ["as"] = "value" }));
    }

    /// <summary>Ages from <paramref name="from"/> to <paramref name="to"/>, inclusive.</summary>
    public static JsonNode Ages(int from, int to) => new JsonObject { ["col"] = "age", ["between"] = new JsonArray(from, to) };

    /// <summary>
    /// How a query of <paramref name="table"/> names <paramref name="column"/>: its own, else its receipt's
    /// (<c>receipts.prefecture</c> on drug lines), else null.
    /// </summary>
    public static string? Column(ClaimsSchema schema, TableSchema table, string column) =>
        table.TryGetColumn(column, out _) ? column
        : table.ParentTable is { } parent && schema.Table(parent).TryGetColumn(column, out _) ? $"{parent}.{column}"
        : null;

    /// <summary>The filter's tests: on the table's own columns, or on a line's receipt through one <c>parent</c> test.</summary>
    private static IEnumerable<JsonNode?> Terms(ClaimsSchema schema, TableSchema table, IndicatorFilter filter)
    {
        var own = new List<JsonNode>();
        var receipt = new List<JsonNode>();
        void Add(string column, JsonNode term)
        {
            // Persons have no claim kind: the population is every person insured, whichever claims they made.
            if (Column(schema, table, column) is { } name) (name == column ? own : receipt).Add(term);
        }
        var month = table.PartitionColumn.Name;
        if (filter.From is { } from) Add(month, new JsonObject { ["col"] = month, ["ge"] = from });
        if (filter.To is { } to) Add(month, new JsonObject { ["col"] = month, ["le"] = to });
        if (filter.Sex is { } sex) Add("sex", new JsonObject { ["col"] = "sex", ["eq"] = sex });
        if (filter.AgeBands is { Count: > 0 } bands)
            Add("age", new JsonObject { ["or"] = new JsonArray([.. bands.Order().Distinct().Select(b => Ages(b, b + 4))]) });
        if (filter.InsurerKinds is { Count: > 0 } kinds) Add("insurer_kind", In("insurer_kind", kinds));
        if (filter.ClaimKinds is { Count: > 0 } claimKinds) Add("claim_kind", In("claim_kind", claimKinds));
        if (receipt.Count > 0)
            own.Add(new JsonObject { ["parent"] = new JsonObject { ["where"] = receipt.Count == 1 ? receipt[0] : new JsonObject { ["and"] = new JsonArray([.. receipt]) } } });
        return own;
    }

    private static JsonObject In(string column, IReadOnlyList<int> values) =>
        new() { ["col"] = column, ["in"] = new JsonArray([.. values.Order().Distinct().Select(v => JsonValue.Create(v))]) };

    private static string Query(TableSchema table, IEnumerable<JsonNode?> terms, IReadOnlyList<string> groupBy, JsonArray select)
    {
        // Nodes belong to one parent: the definition's predicates are copied into each query.
        var where = terms.OfType<JsonNode>().Select(t => t.DeepClone()).ToArray();
        var query = new JsonObject { ["from"] = table.Name };
        if (where.Length == 1) query["where"] = where[0];
        else if (where.Length > 1) query["where"] = new JsonObject { ["and"] = new JsonArray(where) };
        if (groupBy.Count > 0) query["groupBy"] = new JsonArray([.. groupBy.Select(g => JsonValue.Create(g))]);
        query["select"] = select;
        return query.ToJsonString();
    }
}
