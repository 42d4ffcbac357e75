using System.Text.Json.Nodes;
using Claims.Engine.Schema;

namespace Claims.Testing;

/// <summary>
/// Seeded random cohort definitions, each with SQL for DuckDB that computes the same thing independently: the
/// candidates after every step (for the attrition) and the final patients with their index months. The SQL
/// follows the definition's documented meaning, not the engine's algorithm: subqueries per candidate, months
/// as year × 12 + month − 1.
/// </summary>
public sealed class RandomCohorts(ClaimsSchema schema, RandomQueries predicates, int seed)
{
    private static readonly string[] s_entryTables = ["diagnoses", "drugs", "procedures", "dpc", "receipts", "checkups"];
    private static readonly string[] s_eventTables = ["diagnoses", "drugs", "procedures", "receipts", "checkups"];
    private readonly Random _random = new(seed);

    public sealed record Case(string Json, IReadOnlyList<string> StepSql, string FinalSql);

    public Case Next(int number)
    {
        var entryTable = schema.Table(s_entryTables[_random.Next(s_entryTables.Length)]);
        var entry = new JsonObject { ["table"] = entryTable.Name };
        var key = entryTable.Name == "checkups" ? "checkup_id" : "receipt_id";
        var month = Month(entryTable, "t");
        var condition = "t.patient_id IS NOT NULL";
        if (_random.Next(4) > 0)
        {
            var (node, sql) = predicates.Where(entryTable, "t");
            entry["where"] = node;
            condition += $" AND {sql}";
        }
        var every = _random.Next(3) == 0;
        if (every || _random.Next(2) == 0) entry["occurrence"] = every ? "every" : "first";
        var definition = new JsonObject { ["name"] = $"random cohort {number}", ["entry"] = entry };
        var events = $"SELECT t.patient_id AS p, {month} AS m, t.{key} AS k FROM {entryTable.Name} t WHERE {condition}";
        var steps = new List<string>
        {
            every
                ? $"SELECT DISTINCT p, m, k FROM ({events})"
                : $"SELECT e.p, e.m, min(e.k) AS k FROM ({events}) e JOIN (SELECT p, min(m) AS m FROM ({events}) GROUP BY p) f ON e.p = f.p AND e.m = f.m GROUP BY e.p, e.m",
        };
        const string timeline = $"(SELECT patient_id AS p, min({Months}) AS first, max({Months}) AS last FROM receipts r WHERE patient_id IS NOT NULL GROUP BY patient_id)";
        if (_random.Next(2) == 0)
        {
            var months = _random.Next(1, 7);
            definition["priorObservationMonths"] = months;
            steps.Add($"EXISTS (SELECT 1 FROM {timeline} tl WHERE tl.p = cand.p AND cand.m - tl.first >= {months})");
        }
        if (_random.Next(3) == 0)
        {
            var months = _random.Next(1, 5);
            definition["followUpMonths"] = months;
            steps.Add($"EXISTS (SELECT 1 FROM {timeline} tl WHERE tl.p = cand.p AND tl.last - cand.m >= {months})");
        }
        var inclusion = new JsonArray();
        var exclusion = new JsonArray();
        for (var i = 0; i < _random.Next(0, 4); i++) inclusion.Add(Rule($"include {i}", entryTable, steps, exclude: false));
        for (var i = 0; i < _random.Next(0, 3); i++) exclusion.Add(Rule($"exclude {i}", entryTable, steps, exclude: true));
        if (inclusion.Count > 0) definition["inclusion"] = inclusion;
        if (exclusion.Count > 0) definition["exclusion"] = exclusion;

        // Step i's candidates are step i−1's that meet its condition.
        var stepSql = new List<string> { steps[0] };
        for (var i = 1; i < steps.Count; i++) stepSql.Add($"SELECT * FROM ({stepSql[i - 1]}) cand WHERE {steps[i]}");
        return new Case(definition.ToJsonString(), stepSql.Select(s => $"SELECT count(DISTINCT p) FROM ({s})").ToArray(),
            $"SELECT p, min(m) FROM ({stepSql[^1]}) GROUP BY p ORDER BY p");
    }

    private const string Months = "(service_month // 100 * 12 + service_month % 100 - 1)";

    private static string Month(TableSchema table, string alias) =>
        $"({alias}.{table.PartitionColumn.Name} // 100 * 12 + {alias}.{table.PartitionColumn.Name} % 100 - 1)";

    private JsonObject Rule(string name, TableSchema entryTable, List<string> steps, bool exclude)
    {
        var rule = new JsonObject { ["name"] = name };
        string matches;
        var record = entryTable.Name == "checkups" ? "checkups x WHERE x.checkup_id = cand.k" : "receipts x WHERE x.receipt_id = cand.k";
        switch (_random.Next(entryTable.Name == "checkups" ? 6 : 7))
        {
            case 0:
                var low = _random.Next(0, 80);
                var high = low + _random.Next(0, 40);
                rule["age"] = new JsonArray(low, high);
                matches = $"EXISTS (SELECT 1 FROM {record} AND x.age BETWEEN {low} AND {high})";
                break;
            case 1:
                var sex = _random.Next(1, 3);
                rule["sex"] = sex;
                matches = $"EXISTS (SELECT 1 FROM {record} AND x.sex = {sex})";
                break;
            case 2:
                var prefectures = Enumerable.Range(0, _random.Next(1, 12)).Select(_ => _random.Next(1, 48)).Distinct().ToArray();
                rule["prefecture"] = new JsonArray(prefectures.Select(p => (JsonNode)p).ToArray());
                matches = $"EXISTS (SELECT 1 FROM {record} AND x.prefecture IN ({string.Join(", ", prefectures)}))";
                break;
            case 6:
                var kinds = new[] { 1, 2, 3, 4, 6 }.Where(_ => _random.Next(2) == 0).DefaultIfEmpty(2).ToArray();
                rule["claimKind"] = new JsonArray(kinds.Select(k => (JsonNode)k).ToArray());
                matches = $"EXISTS (SELECT 1 FROM {record} AND x.claim_kind IN ({string.Join(", ", kinds)}))";
                break;
            default:
                var table = schema.Table(s_eventTables[_random.Next(s_eventTables.Length)]);
                rule["table"] = table.Name;
                var where = "e.patient_id = cand.p";
                if (_random.Next(5) > 0)
                {
                    var (node, sql) = predicates.Where(table, "e");
                    rule["where"] = node;
                    where += $" AND {sql}";
                }
                if (_random.Next(4) > 0)
                {
                    var from = -_random.Next(0, 15);
                    var to = _random.Next(2) == 0 ? 0 : _random.Next(from, 6);
                    rule["windowMonths"] = new JsonArray(from, to);
                    where += $" AND {Month(table, "e")} - cand.m BETWEEN {from} AND {to}";
                }
                var min = _random.Next(0, 4);
                if (min != 1 || _random.Next(2) == 0) rule["minCount"] = min;
                var count = $"(SELECT count(*) FROM {table.Name} e WHERE {where})";
                matches = $"{count} >= {min}";
                if (_random.Next(4) == 0)
                {
                    var max = min + _random.Next(0, 4);
                    rule["maxCount"] = max;
                    matches += $" AND {count} <= {max}";
                }
                break;
        }
        steps.Add(exclude ? $"NOT ({matches})" : matches);
        return rule;
    }
}
