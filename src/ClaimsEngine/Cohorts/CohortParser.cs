using System.Text.Json;
using Claims.Engine.Query;
using Claims.Engine.Schema;

namespace Claims.Engine.Cohorts;

/// <summary>
/// Reads a JSON cohort definition (data-schemas/cohort.schema.json) and binds its tables, columns and codes
/// against the schema; every problem is a <see cref="QueryException"/> naming its place, e.g. <c>inclusion[0].where.col</c>.
/// </summary>
public static class CohortParser
{
    /// <summary>A window that reaches every month of any dataset: "ever", before or after index.</summary>
    private const int Ever = 100_000;

    private static readonly string[] s_attributes = ["sex", "prefecture", "claimKind"];

    public static CohortDefinition Parse(string json, ClaimsSchema? schema = null)
    {
        schema ??= ClaimsSchema.Default;
        return QueryParser.ParseJson(json, "cohort", root => Parse(root, schema, json));
    }

    /// <summary>A definition embedded in another document (a model's target), its errors named from the cohort's root.</summary>
    public static CohortDefinition Parse(JsonElement root, ClaimsSchema schema) => Parse(root, schema, root.GetRawText());

    private static CohortDefinition Parse(JsonElement root, ClaimsSchema schema, string json)
    {
        QueryParser.Expect(root, JsonValueKind.Object, "cohort");
        QueryParser.RejectUnknown(root, "cohort", "name", "description", "entry", "priorObservationMonths", "priorObservationDays",
            "followUpMonths", "followUpDays", "inclusion", "exclusion", "exit");
        var name = RequiredString(root, "name", "cohort", "a name for the cohort");
        if (!root.TryGetProperty("entry", out var entry)) throw new QueryException("entry", "is required: the event that puts a patient in the cohort, e.g. {\"table\": \"drugs\", \"where\": …}");
        QueryParser.Expect(entry, JsonValueKind.Object, "entry");
        QueryParser.RejectUnknown(entry, "entry", "table", "where", "occurrence");
        var entryEvent = Event(entry, schema, "entry");
        var occurrence = Occurrence.First;
        if (entry.TryGetProperty("occurrence", out var o))
        {
            occurrence = o.ValueKind == JsonValueKind.String ? o.GetString() switch
            {
                "first" => Occurrence.First,
                "every" => Occurrence.Every,
                _ => throw new QueryException("entry.occurrence", $"unknown occurrence '{o.GetString()}' (expected first or every)"),
            } : throw new QueryException("entry.occurrence", "must be \"first\" or \"every\"");
        }
        var prior = Months(root, "priorObservationMonths", "priorObservationDays");
        var followUp = Months(root, "followUpMonths", "followUpDays");
        var inclusion = Rules(root, "inclusion", schema, entryEvent.Table);
        var exclusion = Rules(root, "exclusion", schema, entryEvent.Table);
        var names = inclusion.Concat(exclusion).GroupBy(r => r.Name).FirstOrDefault(g => g.Count() > 1);
        if (names is not null) throw new QueryException("cohort", $"the rule name '{names.Key}' is used twice; attrition rows need distinct names");
        return new CohortDefinition(name, entryEvent, occurrence, prior, followUp, inclusion, exclusion, Exit(root), json);
    }

    /// <summary>An event (a table with patient ids and a where tree) on its own, for definitions that embed one: a model's outcome.</summary>
    public static EventCriterion Event(JsonElement node, ClaimsSchema schema, string path)
    {
        if (!node.TryGetProperty("table", out var t) || t.ValueKind != JsonValueKind.String)
            throw new QueryException(path + ".table", "is required: the table the event is a row of");
        var table = QueryBinder.Table(schema, t.GetString()!, path + ".table");
        if (!table.TryGetColumn("patient_id", out _)) throw new QueryException(path + ".table", $"table '{table.Name}' has no patient_id to follow patients by");
        var where = node.TryGetProperty("where", out var w) ? QueryParser.ParseWhere(w, table, schema, path + ".where") : null;
        return new EventCriterion(table, where);
    }

    private static IReadOnlyList<CohortRule> Rules(JsonElement root, string field, ClaimsSchema schema, TableSchema entry)
    {
        if (!root.TryGetProperty(field, out var list)) return [];
        QueryParser.Expect(list, JsonValueKind.Array, field);
        return list.EnumerateArray().Select((rule, i) => Rule(rule, schema, entry, $"{field}[{i}]")).ToArray();
    }

    private static CohortRule Rule(JsonElement node, ClaimsSchema schema, TableSchema entry, string path)
    {
        QueryParser.Expect(node, JsonValueKind.Object, path);
        var name = RequiredString(node, "name", path, "the rule's name, shown in the attrition table");
        var kinds = new[] { "table", "age" }.Concat(s_attributes).Where(k => node.TryGetProperty(k, out _)).ToArray();
        if (kinds.Length != 1)
            throw new QueryException(path, "a rule takes exactly one of table (an event count in a window), age, sex, prefecture or claimKind");
        switch (kinds[0])
        {
            case "table":
                QueryParser.RejectUnknown(node, path, "name", "table", "where", "windowMonths", "minCount", "maxCount");
                var (from, to) = Window(node, path);
                var min = Count(node, "minCount", path) ?? 1;
                var max = Count(node, "maxCount", path);
                if (max < min) throw new QueryException(path + ".maxCount", $"is below minCount ({min})");
                return new EventCountRule(name, Event(node, schema, path), from, to, min, max);
            case "age":
                QueryParser.RejectUnknown(node, path, "name", "age");
                var age = node.GetProperty("age");
                if (age.ValueKind != JsonValueKind.Array || age.GetArrayLength() != 2 || age.EnumerateArray().Any(a => !a.TryGetInt32(out var v) || v < 0)
                    || age[0].GetInt32() > age[1].GetInt32())
                    throw new QueryException(path + ".age", "must be [lowest, highest], inclusive ages in years, e.g. [40, 74]");
                return new AgeRule(name, age[0].GetInt32(), age[1].GetInt32());
            default:
                var field = kinds[0];
                QueryParser.RejectUnknown(node, path, "name", field);
                var column = field == "claimKind" ? "claim_kind" : field;
                var (record, _) = EntryAttributes.RecordOf(schema, entry);
                if (!record.TryGetColumn(column, out _))
                    throw new QueryException($"{path}.{field}", $"entry events from '{entry.Name}' have no {column} (it is on receipts, not on {record.Name})");
                var value = node.GetProperty(field);
                var values = value.ValueKind == JsonValueKind.Array ? value : JsonSerializer.SerializeToElement(new[] { value });
                // Bound as a predicate so the codes are checked against the column's enum like any query constant.
                var bound = (IntegerSet)QueryParser.ParseWhere(
                    JsonSerializer.SerializeToElement(new Dictionary<string, JsonElement> { ["col"] = JsonSerializer.SerializeToElement(column), ["in"] = values }),
                    record, schema, $"{path}.{field}");
                return new AttributeRule(name, column, bound.Values.Select(v => (int)v).ToHashSet());
        }
    }

    private static (int From, int To) Window(JsonElement node, string path)
    {
        if (!node.TryGetProperty("windowMonths", out var window)) return (-Ever, Ever);
        if (window.ValueKind != JsonValueKind.Array || window.GetArrayLength() != 2 || window.EnumerateArray().Any(w => !w.TryGetInt32(out _)))
            throw new QueryException(path + ".windowMonths", "must be [from, to] in months relative to the index month, e.g. [-12, 0]");
        var (from, to) = (window[0].GetInt32(), window[1].GetInt32());
        if (from > to) throw new QueryException(path + ".windowMonths", $"starts after it ends ({from} > {to})");
        return (Math.Max(from, -Ever), Math.Min(to, Ever));
    }

    private static int? Count(JsonElement node, string field, string path)
    {
        if (!node.TryGetProperty(field, out var value)) return null;
        return value.TryGetInt32(out var count) && count >= 0 ? count : throw new QueryException($"{path}.{field}", "must be a non-negative integer");
    }

    private static int Months(JsonElement root, string monthsField, string daysField)
    {
        var months = Count(root, monthsField, "cohort");
        var days = Count(root, daysField, "cohort");
        if (months is not null && days is not null) throw new QueryException("cohort", $"give {monthsField} or {daysField}, not both");
        return months ?? (days is { } d ? CohortDefinition.Months(d) : 0);
    }

    private static CohortExit Exit(JsonElement root)
    {
        if (!root.TryGetProperty("exit", out var exit)) return new CohortExit(false, null);
        QueryParser.Expect(exit, JsonValueKind.Object, "exit");
        QueryParser.RejectUnknown(exit, "exit", "death", "afterMonths", "afterDays");
        var death = exit.TryGetProperty("death", out var d) && (d.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? d.GetBoolean()
            : throw new QueryException("exit.death", "must be true or false"));
        var months = Count(exit, "afterMonths", "exit");
        var days = Count(exit, "afterDays", "exit");
        if (months is not null && days is not null) throw new QueryException("exit", "give afterMonths or afterDays, not both");
        return new CohortExit(death, months ?? (days is { } n ? CohortDefinition.Months(n) : null));
    }

    private static string RequiredString(JsonElement node, string field, string path, string what) =>
        node.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new QueryException($"{path}.{field}", $"is required: {what}");
}
