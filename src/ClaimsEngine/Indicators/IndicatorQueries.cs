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
        return Query(table, Terms(table, filter).Concat([measure.Where, extraWhere]), groupBy, select);
    }

    public static string Population(PopulationDenominator population, ClaimsSchema schema, IndicatorFilter filter, JsonNode? extraWhere, IReadOnlyList<string> groupBy)
    {
        var table = schema.Table("population");
        var ages = new JsonObject { ["col"] = "age", ["between"] = new JsonArray(population.AgeFrom, population.AgeTo) };
        return Query(table, Terms(table, filter).Concat([ages, extraWhere]), groupBy,
            new JsonArray(new JsonObject { ["sum"] = "persons", ["as"] = "value" }));
    }

    /// <summary>Ages from <paramref name="from"/> to <paramref name="to"/>, inclusive.</summary>
    public static JsonNode Ages(int from, int to) => new JsonObject { ["col"] = "age", ["between"] = new JsonArray(from, to) };

    private static IEnumerable<JsonNode?> Terms(TableSchema table, IndicatorFilter filter)
    {
        var month = table.PartitionColumn.Name;
        if (filter.From is { } from) yield return new JsonObject { ["col"] = month, ["ge"] = from };
        if (filter.To is { } to) yield return new JsonObject { ["col"] = month, ["le"] = to };
        if (filter.Sex is { } sex) yield return new JsonObject { ["col"] = "sex", ["eq"] = sex };
        if (filter.AgeBands is { Count: > 0 } bands)
            yield return new JsonObject { ["or"] = new JsonArray([.. bands.Order().Distinct().Select(b => Ages(b, b + 4))]) };
        if (filter.InsurerKinds is { Count: > 0 } kinds) yield return In("insurer_kind", kinds);
        // Persons have no claim kind: the population is every person insured, whichever claims they made.
        if (filter.ClaimKinds is { Count: > 0 } claimKinds && table.TryGetColumn("claim_kind", out _)) yield return In("claim_kind", claimKinds);
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
