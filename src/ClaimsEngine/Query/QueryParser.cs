using System.Globalization;
using System.Text.Json;
using Claims.Engine.Schema;

namespace Claims.Engine.Query;

/// <summary>
/// Reads the JSON query (data-schemas/query.schema.json documents it) and binds every name against the schema.
/// Anything unknown — table, column, operator, code, aggregate — is a <see cref="QueryException"/> naming its place
/// in the query, so a caller can point at it.
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

    public static QueryModel Parse(JsonElement root, ClaimsSchema schema)
    {
        Expect(root, JsonValueKind.Object, "query");
        RejectUnknown(root, "query", "from", "where", "groupBy", "select", "orderBy", "limit");
        if (!root.TryGetProperty("from", out var from) || from.ValueKind != JsonValueKind.String)
            throw new QueryException("from", "is required: the table to query");
        var table = Table(schema, from.GetString()!, "from");
        var codes = new CodeValidator(schema);
        var where = root.TryGetProperty("where", out var w) ? ParsePredicate(w, table, schema, codes, "where") : null;
        var groupBy = root.TryGetProperty("groupBy", out var g) ? ParseGroupBy(g, table) : [];
        if (!root.TryGetProperty("select", out var select) || select.ValueKind != JsonValueKind.Array || select.GetArrayLength() == 0)
            throw new QueryException("select", "is required: a list of aggregates such as {\"count\": \"*\", \"as\": \"claims\"}");
        var aggregates = select.EnumerateArray().Select((s, i) => ParseAggregate(s, table, $"select[{i}]")).ToArray();
        var names = groupBy.Select(k => k.Name).Concat(aggregates.Select(a => a.Alias)).ToArray();
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
        return new QueryModel(table, where, groupBy, aggregates, orderBy, limit);
    }

    /// <summary>System.Text.Json refuses to make a string of an unpaired UTF-16 surrogate (\ud800), with this exception.</summary>
    public static bool IsInvalidText(InvalidOperationException e) =>
        e.TargetSite?.DeclaringType?.Namespace?.StartsWith("System.Text.Json", StringComparison.Ordinal) == true;

    /// <summary>A where tree on its own, for definitions that embed engine predicates (cohort rules).</summary>
    internal static Predicate ParseWhere(JsonElement node, TableSchema table, ClaimsSchema schema, string path) =>
        ParsePredicate(node, table, schema, new CodeValidator(schema), path);

    internal static TableSchema Table(ClaimsSchema schema, string name, string path) =>
        schema.TryGetTable(name, out var table)
            ? table
            : throw new QueryException(path, $"unknown table '{name}' (tables: {string.Join(", ", schema.Tables.Select(t => t.Name))})");

    private static ColumnSchema Column(TableSchema table, string name, string path) =>
        table.TryGetColumn(name, out var column)
            ? column
            : throw new QueryException(path, $"table '{table.Name}' has no column '{name}' (columns: {string.Join(", ", table.Columns.Select(c => c.Name))})");

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

    private static Predicate ParsePredicate(JsonElement node, TableSchema table, ClaimsSchema schema, CodeValidator codes, string path)
    {
        Expect(node, JsonValueKind.Object, path);
        if (node.TryGetProperty("and", out var and)) return new AndPredicate(Terms(and, "and"));
        if (node.TryGetProperty("or", out var or)) return new OrPredicate(Terms(or, "or"));
        if (node.TryGetProperty("not", out var not))
        {
            RejectUnknown(node, path, "not");
            return new NotPredicate(ParsePredicate(not, table, schema, codes, path + ".not"));
        }
        if (node.TryGetProperty("exists", out var exists)) return ParseExists(exists, table, schema, codes, path + ".exists");
        if (node.TryGetProperty("col", out var col)) return ParseLeaf(node, col, table, codes, path);
        throw new QueryException(path, "expected one of and, or, not, exists, or a column predicate {\"col\": …, \"<op>\": …}");

        IReadOnlyList<Predicate> Terms(JsonElement list, string op)
        {
            RejectUnknown(node, path, op);
            Expect(list, JsonValueKind.Array, $"{path}.{op}");
            if (list.GetArrayLength() == 0) throw new QueryException($"{path}.{op}", "needs at least one term");
            return list.EnumerateArray().Select((t, i) => ParsePredicate(t, table, schema, codes, $"{path}.{op}[{i}]")).ToArray();
        }
    }

    private static ExistsPredicate ParseExists(JsonElement exists, TableSchema table, ClaimsSchema schema, CodeValidator codes, string path)
    {
        Expect(exists, JsonValueKind.Object, path);
        RejectUnknown(exists, path, "from", "where");
        if (!exists.TryGetProperty("from", out var from) || from.ValueKind != JsonValueKind.String)
            throw new QueryException(path + ".from", "is required: the line-item table to look in");
        var child = Table(schema, from.GetString()!, path + ".from");
        if (child.ParentTable != table.Name || child.ParentColumn is null)
            throw new QueryException(path + ".from", $"table '{child.Name}' is not a line-item table of '{table.Name}' (exists looks at rows of the same receipt)");
        var where = exists.TryGetProperty("where", out var w) ? ParsePredicate(w, child, schema, codes, path + ".where") : null;
        return new ExistsPredicate(child, where);
    }

    private static ColumnPredicate ParseLeaf(JsonElement node, JsonElement col, TableSchema table, CodeValidator codes, string path)
    {
        if (col.ValueKind != JsonValueKind.String) throw new QueryException(path + ".col", "must be a column name");
        var column = Column(table, col.GetString()!, path + ".col");
        var ops = node.EnumerateObject().Where(p => p.Name != "col").ToArray();
        if (ops.Length != 1)
            throw new QueryException(path, $"a column predicate takes exactly one operator (operators: {string.Join(", ", s_ops.Keys)})");
        var (name, value) = (ops[0].Name, ops[0].Value);
        if (!s_ops.TryGetValue(name, out var op))
            throw new QueryException($"{path}.{name}", $"unknown operator '{name}' (operators: {string.Join(", ", s_ops.Keys)})");
        var at = $"{path}.{name}";
        switch (op)
        {
            case CompareOp.IsNull:
                if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) throw new QueryException(at, "must be true or false");
                return new ColumnPredicate(column, op, [], value.GetBoolean());
            case CompareOp.Prefix:
                if (!column.Type.IsDictionary()) throw new QueryException(at, $"prefix applies to code and string columns; {column} is {column.Type.Name()}");
                if (value.ValueKind != JsonValueKind.String) throw new QueryException(at, "must be a string");
                codes.CheckPrefix(column, value.GetString()!, at);
                return new ColumnPredicate(column, op, [value.GetString()!], false);
            case CompareOp.Between:
                if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != 2) throw new QueryException(at, "must be [low, high]");
                if (column.Type == LogicalType.Hash) throw new QueryException(at, $"{column} is a hash: only eq, ne, in, notIn and isNull apply");
                return new ColumnPredicate(column, op, [Constant(column, value[0], at + "[0]", codes), Constant(column, value[1], at + "[1]", codes)], false);
            case CompareOp.In or CompareOp.NotIn:
                if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0) throw new QueryException(at, "must be a non-empty list");
                return new ColumnPredicate(column, op, value.EnumerateArray().Select((v, i) => Constant(column, v, $"{at}[{i}]", codes)).ToArray(), false);
            default:
                if (column.Type == LogicalType.Hash && op is not (CompareOp.Eq or CompareOp.Ne))
                    throw new QueryException(at, $"{column} is a hash: only eq, ne, in, notIn and isNull apply");
                if (column.Type.IsDictionary() && op is not (CompareOp.Eq or CompareOp.Ne))
                    throw new QueryException(at, $"{column} is a {column.Type.Name()} column: use eq, ne, in, notIn, prefix or isNull");
                return new ColumnPredicate(column, op, [Constant(column, value, at, codes)], false);
        }
    }

    /// <summary>A constant in the column's terms: long for integers, months and dates (days), double for floats, string for codes and hashes.</summary>
    private static object Constant(ColumnSchema column, JsonElement value, string path, CodeValidator codes)
    {
        switch (column.Type)
        {
            case LogicalType.Code or LogicalType.String:
                if (value.ValueKind != JsonValueKind.String) throw new QueryException(path, $"{column} holds codes: give a string");
                codes.CheckCode(column, value.GetString()!, path);
                return value.GetString()!;
            case LogicalType.Hash:
                if (value.ValueKind != JsonValueKind.String || value.GetString()!.Length != 64 || !value.GetString()!.All(char.IsAsciiHexDigit))
                    throw new QueryException(path, $"{column} is a hash: give 64 hex digits");
                return value.GetString()!.ToLowerInvariant();
            case LogicalType.Date:
                if (value.ValueKind == JsonValueKind.String && DateOnly.TryParseExact(value.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                    return (long)DateDays.From(date);
                throw new QueryException(path, $"{column} is a date: give \"YYYY-MM-DD\"");
            case LogicalType.Bool:
                if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean() ? 1L : 0L;
                throw new QueryException(path, $"{column} is true/false");
            case LogicalType.Float32:
                if (value.ValueKind == JsonValueKind.Number) return value.GetDouble();
                throw new QueryException(path, $"{column} is a number");
            default:
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var integer))
                    throw new QueryException(path, $"{column} is an integer{(column.Type == LogicalType.Month ? " (YYYYMM)" : "")}");
                codes.CheckEnum(column, integer, path);
                return integer;
        }
    }

    private static GroupKey[] ParseGroupBy(JsonElement groupBy, TableSchema table)
    {
        Expect(groupBy, JsonValueKind.Array, "groupBy");
        if (groupBy.GetArrayLength() > 4) throw new QueryException("groupBy", "takes at most four columns");
        return groupBy.EnumerateArray().Select((g, i) =>
        {
            var path = $"groupBy[{i}]";
            if (g.ValueKind != JsonValueKind.String) throw new QueryException(path, "must be a column name or age_band, year, fiscal_year");
            var name = g.GetString()!;
            return name switch
            {
                "age_band" => new GroupKey(name, Column(table, "age", path), Derivation.AgeBand),
                "year" => new GroupKey(name, table.PartitionColumn, Derivation.Year),
                "fiscal_year" => new GroupKey(name, table.PartitionColumn, Derivation.FiscalYear),
                _ => Column(table, name, path) is { Type: not LogicalType.Hash } column
                    ? new GroupKey(name, column, Derivation.None)
                    : throw new QueryException(path, $"cannot group by the hash column '{name}'"),
            };
        }).ToArray();
    }

    private static Aggregate ParseAggregate(JsonElement select, TableSchema table, string path)
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
        if (argument.GetString() == "*")
        {
            return kind == AggregateKind.Count
                ? new Aggregate(kind, null, alias.GetString()!)
                : throw new QueryException(at, "only count takes \"*\"");
        }
        var column = Column(table, argument.GetString()!, at);
        var numeric = column.Type is not (LogicalType.Code or LogicalType.String or LogicalType.Hash);
        if (kind is AggregateKind.Sum or AggregateKind.Avg or AggregateKind.Min or AggregateKind.Max && !numeric)
            throw new QueryException(at, $"{kinds[0].Name} needs a numeric column; {column} is {column.Type.Name()}");
        if (kind is AggregateKind.Sum or AggregateKind.Avg && column.Type is LogicalType.Date or LogicalType.Bool)
            throw new QueryException(at, $"{kinds[0].Name} of {column.Type.Name()} values means nothing; use min, max or count");
        return new Aggregate(kind, column, alias.GetString()!);
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
