using System.Globalization;
using System.Text.Json.Nodes;
using Claims.Engine.Schema;

namespace Claims.Testing;

/// <summary>
/// Seeded random queries over every table, operator, group-by and aggregate, each with its translation to SQL
/// for DuckDB over the Parquet export, the independent oracle. Constants are drawn from the data itself (so that
/// predicates select something) with sometimes a value outside it.
/// </summary>
public sealed class RandomQueries(ClaimsSchema schema, IReadOnlyDictionary<(string Table, string Column), object[]> samples, int seed)
{
    private static readonly string[] s_tables = ["receipts", "diagnoses", "procedures", "drugs", "dpc", "checkups"];
    private readonly Random _random = new(seed);
    private int _alias;

    /// <summary>A query, its SQL, and whether its rows come in a defined order (an orderBy) that the comparison must check.</summary>
    public sealed record Case(string Json, string Sql, bool Ordered);

    public Case Next()
    {
        _alias = 0;
        var table = schema.Table(s_tables[_random.Next(s_tables.Length)]);
        var query = new JsonObject { ["from"] = table.Name };
        string? where = null;
        if (_random.Next(5) > 0)
        {
            var (node, condition) = Predicate(table, "t", depth: 0);
            query["where"] = node;
            where = condition;
        }
        var groups = GroupBy(table);
        if (groups.Count > 0) query["groupBy"] = new JsonArray(groups.Select(g => (JsonNode)g.Name).ToArray());
        var aggregates = Aggregates(table);
        query["select"] = new JsonArray(aggregates.Select(a => (JsonNode)a.Json).ToArray());
        var select = groups.Select(g => $"{g.Sql} AS \"{g.Name}\"").Concat(aggregates.Select(a => $"{a.Sql} AS \"{a.Alias}\""));
        var sql = $"SELECT {string.Join(", ", select)} FROM {table.Name} t{(where is null ? "" : $" WHERE {where}")}";
        if (groups.Count > 0) sql += $" GROUP BY {string.Join(", ", groups.Select((_, i) => (i + 1).ToString()))}";
        if (groups.Count == 0 || _random.Next(3) > 0) return new Case(query.ToJsonString(), sql, Ordered: false);

        // Any output columns, aggregates as much as keys, each either way. docs/queries.md: NULLs sort last in either
        // direction and the group keys, ascending, break ties; so the order is total and a limit keeps the same rows.
        var outputs = groups.Select(g => g.Name).Concat(aggregates.Select(a => a.Alias)).ToArray();
        var keys = outputs.OrderBy(_ => _random.Next()).Take(_random.Next(1, 4)).Select(name => (Name: name, Descending: _random.Next(2) == 0)).ToArray();
        query["orderBy"] = new JsonArray(keys.Select(k => (JsonNode)new JsonObject { ["col"] = k.Name, ["desc"] = k.Descending }).ToArray());
        var order = keys.Select(k => $"\"{k.Name}\"{(k.Descending ? " DESC" : " ASC")} NULLS LAST")
            .Concat(groups.Select(g => $"\"{g.Name}\" ASC NULLS LAST"));
        sql += $" ORDER BY {string.Join(", ", order)}";
        if (_random.Next(3) > 0)
        {
            var limit = _random.Next(0, 8);
            query["limit"] = limit;
            sql += $" LIMIT {limit}";
        }
        return new Case(query.ToJsonString(), sql, Ordered: true);
    }

    /// <summary>A random where tree over <paramref name="table"/> (its rows named <paramref name="alias"/> in the SQL), one level shallower than a query's.</summary>
    public (JsonNode Node, string Sql) Where(TableSchema table, string alias) => Predicate(table, alias, depth: 1);

    private (JsonNode Node, string Sql) Predicate(TableSchema table, string alias, int depth)
    {
        var roll = depth >= 2 ? 9 : _random.Next(10);
        switch (roll)
        {
            case 0 or 1:
                var kind = roll == 0 ? "and" : "or";
                var terms = Enumerable.Range(0, _random.Next(1, 4)).Select(_ => Predicate(table, alias, depth + 1)).ToArray();
                return (new JsonObject { [kind] = new JsonArray(terms.Select(t => t.Node).ToArray()) },
                    "(" + string.Join(kind == "and" ? " AND " : " OR ", terms.Select(t => t.Sql)) + ")");
            case 2:
                var inner = Predicate(table, alias, depth + 1);
                return (new JsonObject { ["not"] = inner.Node }, $"(NOT {inner.Sql})");
            case 3 when table.Name == "receipts":
                var child = schema.Table(new[] { "diagnoses", "drugs", "procedures", "dpc" }[_random.Next(4)]);
                var childAlias = $"c{++_alias}";
                var exists = new JsonObject { ["from"] = child.Name };
                var condition = $"{childAlias}.receipt_id = {alias}.receipt_id";
                if (_random.Next(4) > 0)
                {
                    var (node, sql) = Predicate(child, childAlias, depth + 1);
                    exists["where"] = node;
                    condition += $" AND {sql}";
                }
                return (new JsonObject { ["exists"] = exists }, $"EXISTS (SELECT 1 FROM {child.Name} {childAlias} WHERE {condition})");
            default:
                return Leaf(table, alias);
        }
    }

    private (JsonNode Node, string Sql) Leaf(TableSchema table, string alias)
    {
        var columns = table.Columns.Where(c => c.Type != LogicalType.Hash).ToArray();
        var column = columns[_random.Next(columns.Length)];
        var name = $"{alias}.{column.Name}";
        var leaf = new JsonObject { ["col"] = column.Name };
        var values = samples[(table.Name, column.Name)];
        if (_random.Next(12) == 0 || values.Length == 0)
        {
            var isNull = _random.Next(2) == 0;
            leaf["isNull"] = isNull;
            return (leaf, $"({name} IS {(isNull ? "" : "NOT ")}NULL)");
        }
        object Pick() => values[_random.Next(values.Length)];
        if (column.Type.IsDictionary())
        {
            switch (_random.Next(6))
            {
                case 5:
                    var bounds = new[] { (string)Pick(), (string)Pick() }.Order(StringComparer.Ordinal).ToArray();
                    leaf["between"] = new JsonArray(bounds[0], bounds[1]);
                    return (leaf, $"({name} BETWEEN {Literal(column, bounds[0])} AND {Literal(column, bounds[1])})");
                case 0:
                    var code = (string)Pick();
                    var prefix = code[..Math.Min(code.Length, _random.Next(1, 4))];
                    leaf["prefix"] = prefix;
                    return (leaf, $"starts_with({name}, {Literal(column, prefix)})");
                case 1 or 2:
                    var list = Enumerable.Range(0, _random.Next(1, 6)).Select(_ => Pick()).Distinct().ToArray();
                    var negate = _random.Next(2) == 0;
                    leaf[negate ? "notIn" : "in"] = new JsonArray(list.Select(v => Json(column, v)).ToArray());
                    return (leaf, $"({name} {(negate ? "NOT IN" : "IN")} ({string.Join(", ", list.Select(v => Literal(column, v)))}))");
                default:
                    var value = Pick();
                    var eq = _random.Next(3) > 0;
                    leaf[eq ? "eq" : "ne"] = Json(column, value);
                    return (leaf, $"({name} {(eq ? "=" : "<>")} {Literal(column, value)})");
            }
        }
        string[] ops = ["eq", "ne", "lt", "le", "gt", "ge", "between", "in", "notIn"];
        var op = ops[_random.Next(ops.Length)];
        switch (op)
        {
            case "between":
                var pair = new[] { Pick(), Pick() }.OrderBy(v => Convert.ToDouble(v is DateOnly d ? d.DayNumber : v)).ToArray();
                leaf[op] = new JsonArray(Json(column, pair[0]), Json(column, pair[1]));
                return (leaf, $"({name} BETWEEN {Literal(column, pair[0])} AND {Literal(column, pair[1])})");
            case "in" or "notIn":
                var list = Enumerable.Range(0, _random.Next(1, 6)).Select(_ => Pick()).Distinct().ToArray();
                leaf[op] = new JsonArray(list.Select(v => Json(column, v)).ToArray());
                return (leaf, $"({name} {(op == "in" ? "IN" : "NOT IN")} ({string.Join(", ", list.Select(v => Literal(column, v)))}))");
            default:
                var value = Pick();
                leaf[op] = Json(column, value);
                var sqlOp = op switch { "eq" => "=", "ne" => "<>", "lt" => "<", "le" => "<=", "gt" => ">", _ => ">=" };
                return (leaf, $"({name} {sqlOp} {Literal(column, value)})");
        }
    }

    private List<(string Name, string Sql)> GroupBy(TableSchema table)
    {
        var candidates = new List<(string Name, string Sql)>();
        foreach (var column in table.Columns.Where(c => c.Type != LogicalType.Hash && c.Name is not ("receipt_id" or "checkup_id")))
            candidates.Add((column.Name, $"t.{column.Name}"));
        if (table.TryGetColumn("age", out _)) candidates.Add(("age_band", "(t.age // 5) * 5"));
        if (table.TryGetColumn("icd10", out _)) candidates.Add(("icd10_category", "left(t.icd10, 3)"));
        var month = $"t.{table.PartitionColumn.Name}";
        candidates.Add(("year", $"{month} // 100"));
        candidates.Add(("fiscal_year", $"CASE WHEN {month} % 100 >= 4 THEN {month} // 100 ELSE {month} // 100 - 1 END"));
        return candidates.OrderBy(_ => _random.Next()).Take(_random.Next(0, 5)).ToList();
    }

    private List<(JsonObject Json, string Sql, string Alias)> Aggregates(TableSchema table)
    {
        var numeric = table.Columns.Where(c => c.Type is not (LogicalType.Code or LogicalType.String or LogicalType.Hash)).ToArray();
        var result = new List<(JsonObject, string, string)> { (new JsonObject { ["count"] = "*", ["as"] = "rows" }, "count(*)", "rows") };
        for (var i = _random.Next(1, 4); i > 0; i--)
        {
            var alias = $"a{i}";
            switch (_random.Next(6))
            {
                case 0:
                    var any = table.Columns[_random.Next(table.Columns.Count)];
                    result.Add((new JsonObject { ["countDistinct"] = any.Name, ["as"] = alias }, $"count(DISTINCT t.{any.Name})", alias));
                    break;
                case 1:
                    var counted = table.Columns[_random.Next(table.Columns.Count)];
                    result.Add((new JsonObject { ["count"] = counted.Name, ["as"] = alias }, $"count(t.{counted.Name})", alias));
                    break;
                default:
                    var column = numeric[_random.Next(numeric.Length)];
                    var kind = new[] { "sum", "avg", "min", "max" }[_random.Next(4)];
                    if (column.Type is LogicalType.Date or LogicalType.Bool && kind is "sum" or "avg") kind = "max";
                    // The engine gives min and max of a bool as 0/1.
                    var sql = column.Type == LogicalType.Bool ? $"{kind}(t.{column.Name}::INT)" : $"{kind}(t.{column.Name})";
                    result.Add((new JsonObject { [kind] = column.Name, ["as"] = alias }, sql, alias));
                    break;
            }
        }
        return result;
    }

    private static JsonNode Json(ColumnSchema column, object value) => value switch
    {
        string s => s,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool b => b,
        float f => (double)f,
        double d => d,
        _ => Convert.ToInt64(value),
    };

    // A string, not a number: DuckDB reads 0.93240005 as a DECIMAL and casts that to the float one step above the
    // float it names (0.9324000477… comes back as 0.9324001…), so equality on the data's own values found nothing.
    private static string FloatLiteral(float f) => $"'{f.ToString("R", CultureInfo.InvariantCulture)}'::FLOAT";

    private static string Literal(ColumnSchema column, object value) => value switch
    {
        string s => $"'{s.Replace("'", "''")}'",
        DateOnly d => $"DATE '{d:yyyy-MM-dd}'",
        bool b => b ? "true" : "false",
        float f => FloatLiteral(f),
        double d => FloatLiteral((float)d),
        _ => Convert.ToInt64(value).ToString(CultureInfo.InvariantCulture),
    };
}
