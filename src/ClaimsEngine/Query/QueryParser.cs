using System.Text.Json;
using Claims.Engine.Schema;

namespace Claims.Engine.Query;

/// <summary>
/// Reads the JSON query (data-schemas/query.schema.json documents it) into its syntax, then has
/// <see cref="QueryBinder"/> bind it against the schema. The parser knows JSON and the query's shape only; names,
/// codes and constants are the binder's. Anything wrong (a field, operator, table, column, code or aggregate) is a
/// <see cref="QueryException"/> naming its place in the query, so a caller can point at it.
/// </summary>
public static class QueryParser
{
    private static readonly Dictionary<string, CompareOp> s_ops = new(StringComparer.Ordinal)
    {
        ["eq"] = CompareOp.Eq, ["ne"] = CompareOp.Ne, ["lt"] = CompareOp.Lt, ["le"] = CompareOp.Le, ["gt"] = CompareOp.Gt,
        ["ge"] = CompareOp.Ge, ["between"] = CompareOp.Between, ["in"] = CompareOp.In, ["notIn"] = CompareOp.NotIn,
        ["prefix"] = CompareOp.Prefix, ["isNull"] = CompareOp.IsNull,
    };

    private static readonly Dictionary<string, AggregateKind> s_aggregates = new(StringComparer.Ordinal)
    {
        ["count"] = AggregateKind.Count, ["sum"] = AggregateKind.Sum, ["avg"] = AggregateKind.Avg, ["min"] = AggregateKind.Min,
        ["max"] = AggregateKind.Max, ["countDistinct"] = AggregateKind.CountDistinct,
    };

    public static QueryModel Parse(string json, ClaimsSchema? schema = null) =>
        ParseJson(json, "query", root => Parse(root, schema ?? ClaimsSchema.Default));

    /// <summary>Text to a JSON root handed to <paramref name="parse"/>, with JSON's own failures named at <paramref name="path"/>.</summary>
    internal static T ParseJson<T>(string json, string path, Func<JsonElement, T> parse)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return parse(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new QueryException(path, $"is not valid JSON: {e.Message}");
        }
        catch (InvalidOperationException e) when (IsInvalidText(e))
        {
            throw new QueryException(path, $"holds a string that is not valid Unicode: {e.Message}");
        }
    }

    public static QueryModel Parse(JsonElement root, ClaimsSchema schema) => new QueryBinder(schema).Bind(Syntax(root));

    /// <summary>The query's syntax: its shape checked, nothing looked up.</summary>
    internal static QuerySyntax Syntax(JsonElement root)
    {
        Expect(root, JsonValueKind.Object, "query");
        RejectUnknown(root, "query", "from", "where", "groupBy", "select", "orderBy", "limit");
        if (!root.TryGetProperty("from", out var from) || from.ValueKind != JsonValueKind.String)
            throw new QueryException("from", "is required: the table to query");
        var where = root.TryGetProperty("where", out var w) ? ParsePredicate(w, "where") : null;
        var groupBy = root.TryGetProperty("groupBy", out var g) ? ParseGroupBy(g) : [];
        if (!root.TryGetProperty("select", out var select) || select.ValueKind != JsonValueKind.Array || select.GetArrayLength() == 0)
            throw new QueryException("select", "is required: a list of aggregates such as {\"count\": \"*\", \"as\": \"claims\"}");
        var aggregates = select.EnumerateArray().Select((s, i) => ParseAggregate(s, $"select[{i}]")).ToArray();
        var names = groupBy.Concat(aggregates.Select(a => a.Alias)).ToArray();
        var duplicate = names.GroupBy(n => n).FirstOrDefault(n => n.Count() > 1);
        if (duplicate is not null) throw new QueryException("select", $"the output name '{duplicate.Key}' is used twice");
        var orderBy = root.TryGetProperty("orderBy", out var o) ? ParseOrderBy(o, names) : [];
        int? limit = null;
        if (root.TryGetProperty("limit", out var l))
        {
            if (l.ValueKind != JsonValueKind.Number || !l.TryGetInt32(out var value) || value < 0)
                throw new QueryException("limit", "must be a non-negative integer");
            limit = value;
        }
        return new QuerySyntax(from.GetString()!, where, groupBy, aggregates, orderBy, limit);
    }

    /// <summary>System.Text.Json refuses to make a string of an unpaired UTF-16 surrogate (\ud800), with this exception.</summary>
    public static bool IsInvalidText(InvalidOperationException e) =>
        e.TargetSite?.DeclaringType?.Namespace?.StartsWith("System.Text.Json", StringComparison.Ordinal) == true;

    /// <summary>A where tree on its own, bound to <paramref name="table"/>, for definitions that embed engine predicates (cohort rules).</summary>
    internal static Predicate ParseWhere(JsonElement node, TableSchema table, ClaimsSchema schema, string path) =>
        new QueryBinder(schema).Bind(ParsePredicate(node, path), table);

    internal static void Expect(JsonElement element, JsonValueKind kind, string path)
    {
        if (element.ValueKind != kind) throw new QueryException(path, $"must be a JSON {kind.ToString().ToLowerInvariant()}, not {element.ValueKind.ToString().ToLowerInvariant()}");
    }

    internal static void RejectUnknown(JsonElement element, string path, params string[] known)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name))
                throw new QueryException(path, $"unknown field '{property.Name}' (expected {string.Join(", ", known)})");
        }
    }

    private static PredicateSyntax ParsePredicate(JsonElement node, string path)
    {
        Expect(node, JsonValueKind.Object, path);
        if (node.TryGetProperty("and", out var and)) return new AndSyntax(Terms(and, "and"), path);
        if (node.TryGetProperty("or", out var or)) return new OrSyntax(Terms(or, "or"), path);
        if (node.TryGetProperty("not", out var not))
        {
            RejectUnknown(node, path, "not");
            return new NotSyntax(ParsePredicate(not, path + ".not"), path);
        }
        if (node.TryGetProperty("exists", out var exists))
        {
            RejectUnknown(node, path, "exists");
            return ParseExists(exists, path + ".exists");
        }
        if (node.TryGetProperty("parent", out var parent))
        {
            RejectUnknown(node, path, "parent");
            return ParseParent(parent, path + ".parent");
        }
        if (node.TryGetProperty("patientMonth", out var patientMonth))
        {
            RejectUnknown(node, path, "patientMonth");
            return ParsePatientMonth(patientMonth, path + ".patientMonth");
        }
        if (node.TryGetProperty("firstEvent", out var firstEvent))
        {
            RejectUnknown(node, path, "firstEvent");
            Expect(firstEvent, JsonValueKind.Object, path + ".firstEvent");
            RejectUnknown(firstEvent, path + ".firstEvent", "where");
            return new FirstEventSyntax(firstEvent.TryGetProperty("where", out var w) ? ParsePredicate(w, path + ".firstEvent.where") : null, firstEvent.GetRawText(),
                path + ".firstEvent");
        }
        if (node.TryGetProperty("firstOfReceipt", out var firstOfReceipt))
        {
            RejectUnknown(node, path, "firstOfReceipt");
            Expect(firstOfReceipt, JsonValueKind.Object, path + ".firstOfReceipt");
            RejectUnknown(firstOfReceipt, path + ".firstOfReceipt", "where");
            return new FirstOfReceiptSyntax(firstOfReceipt.TryGetProperty("where", out var w) ? ParsePredicate(w, path + ".firstOfReceipt.where") : null, path + ".firstOfReceipt");
        }
        if (node.TryGetProperty("col", out var col)) return ParseLeaf(node, col, path);
        throw new QueryException(path, "expected one of and, or, not, exists, parent, patientMonth, firstEvent, firstOfReceipt, or a column predicate {\"col\": …, \"<op>\": …}");

        IReadOnlyList<PredicateSyntax> Terms(JsonElement list, string op)
        {
            RejectUnknown(node, path, op);
            Expect(list, JsonValueKind.Array, $"{path}.{op}");
            if (list.GetArrayLength() == 0) throw new QueryException($"{path}.{op}", "needs at least one term");
            return list.EnumerateArray().Select((t, i) => ParsePredicate(t, $"{path}.{op}[{i}]")).ToArray();
        }
    }

    private static ExistsSyntax ParseExists(JsonElement exists, string path)
    {
        Expect(exists, JsonValueKind.Object, path);
        RejectUnknown(exists, path, "from", "where");
        if (!exists.TryGetProperty("from", out var from) || from.ValueKind != JsonValueKind.String)
            throw new QueryException(path + ".from", "is required: the line-item table to look in");
        var where = exists.TryGetProperty("where", out var w) ? ParsePredicate(w, path + ".where") : null;
        return new ExistsSyntax(from.GetString()!, where, path);
    }

    private static ParentSyntax ParseParent(JsonElement parent, string path)
    {
        Expect(parent, JsonValueKind.Object, path);
        RejectUnknown(parent, path, "where");
        if (!parent.TryGetProperty("where", out var where))
            throw new QueryException(path + ".where", "is required: the test of the receipt a line belongs to");
        return new ParentSyntax(ParsePredicate(where, path + ".where"), parent.GetRawText(), path);
    }

    private static PatientMonthSyntax ParsePatientMonth(JsonElement node, string path)
    {
        Expect(node, JsonValueKind.Object, path);
        RejectUnknown(node, path, "where", "distinct", "per", "atLeast");
        if (!node.TryGetProperty("distinct", out var distinct) || distinct.ValueKind != JsonValueKind.String)
            throw new QueryException(path + ".distinct", "is required: the column (or derived key, such as yj_ingredient) whose distinct values are counted");
        string? per = null;
        if (node.TryGetProperty("per", out var p))
            per = p.ValueKind == JsonValueKind.String ? p.GetString() : throw new QueryException(path + ".per", "must be a column name or derived key");
        if (!node.TryGetProperty("atLeast", out var atLeast) || atLeast.ValueKind != JsonValueKind.Number || !atLeast.TryGetInt32(out var n) || n < 1)
            throw new QueryException(path + ".atLeast", "is required: a whole number of distinct values, 1 or more");
        var where = node.TryGetProperty("where", out var w) ? ParsePredicate(w, path + ".where") : null;
        return new PatientMonthSyntax(where, distinct.GetString()!, per, n, node.GetRawText(), path);
    }

    private static LeafSyntax ParseLeaf(JsonElement node, JsonElement col, string path)
    {
        if (col.ValueKind != JsonValueKind.String) throw new QueryException(path + ".col", "must be a column name");
        var ops = node.EnumerateObject().Where(p => p.Name != "col").ToArray();
        if (ops.Length != 1)
            throw new QueryException(path, $"a column predicate takes exactly one operator (operators: {string.Join(", ", s_ops.Keys)})");
        var (name, value) = (ops[0].Name, ops[0].Value);
        if (!s_ops.TryGetValue(name, out var op))
            throw new QueryException($"{path}.{name}", $"unknown operator '{name}' (operators: {string.Join(", ", s_ops.Keys)})");
        var at = $"{path}.{name}";
        switch (op)
        {
            case CompareOp.IsNull when value.ValueKind is not (JsonValueKind.True or JsonValueKind.False):
                throw new QueryException(at, "must be true or false");
            case CompareOp.Prefix when value.ValueKind != JsonValueKind.String:
                throw new QueryException(at, "must be a string");
            case CompareOp.Between when value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != 2:
                throw new QueryException(at, "must be [low, high]");
            case CompareOp.In or CompareOp.NotIn when value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0:
                throw new QueryException(at, "must be a non-empty list");
        }
        return new LeafSyntax(col.GetString()!, op, name, value.Clone(), path);
    }

    private static string[] ParseGroupBy(JsonElement groupBy)
    {
        Expect(groupBy, JsonValueKind.Array, "groupBy");
        if (groupBy.GetArrayLength() > 4) throw new QueryException("groupBy", "takes at most four columns");
        return groupBy.EnumerateArray().Select((g, i) => g.ValueKind == JsonValueKind.String
            ? g.GetString()!
            : throw new QueryException($"groupBy[{i}]", "must be a column name or age_band, year, fiscal_year, icd10_category, icd10_chapter, yj_ingredient")).ToArray();
    }

    private static AggregateSyntax ParseAggregate(JsonElement select, string path)
    {
        Expect(select, JsonValueKind.Object, path);
        var kinds = select.EnumerateObject().Where(p => p.Name != "as").ToArray();
        if (kinds.Length != 1 || !s_aggregates.TryGetValue(kinds[0].Name, out var kind))
            throw new QueryException(path, $"expected one aggregate ({string.Join(", ", s_aggregates.Keys)}) and \"as\"");
        if (!select.TryGetProperty("as", out var alias) || alias.ValueKind != JsonValueKind.String || alias.GetString()!.Length == 0)
            throw new QueryException(path + ".as", "is required: the name of the output column");
        var argument = kinds[0].Value;
        var at = $"{path}.{kinds[0].Name}";
        if (argument.ValueKind != JsonValueKind.String) throw new QueryException(at, "must be a column name (or \"*\" for count)");
        if (argument.GetString() == "*" && kind != AggregateKind.Count) throw new QueryException(at, "only count takes \"*\"");
        return new AggregateSyntax(kind, kinds[0].Name, argument.GetString()!, alias.GetString()!, path);
    }

    private static OrderKey[] ParseOrderBy(JsonElement orderBy, IReadOnlyList<string> outputs)
    {
        Expect(orderBy, JsonValueKind.Array, "orderBy");
        return orderBy.EnumerateArray().Select((o, i) =>
        {
            var path = $"orderBy[{i}]";
            Expect(o, JsonValueKind.Object, path);
            RejectUnknown(o, path, "col", "desc");
            var name = o.TryGetProperty("col", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : throw new QueryException(path + ".col", "is required");
            if (!outputs.Contains(name)) throw new QueryException(path + ".col", $"'{name}' is not an output column (outputs: {string.Join(", ", outputs)})");
            var desc = o.TryGetProperty("desc", out var d) && d.ValueKind == JsonValueKind.True;
            return new OrderKey(name, desc);
        }).ToArray();
    }
}
