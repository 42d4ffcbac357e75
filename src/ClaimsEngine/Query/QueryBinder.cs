using System.Globalization;
using System.Text.Json;
using Claims.Engine.Schema;

namespace Claims.Engine.Query;

/// <summary>
/// Binds a query's syntax to the schema: table and column names to their schemas, group keys to columns or derived
/// bands, and each column test to a typed test (<see cref="ColumnPredicate"/>) with its constants in the column's
/// stored terms, codes checked against their code system (<see cref="CodeValidator"/>). What cannot be bound is a
/// <see cref="QueryException"/> naming its place in the query.
/// </summary>
internal sealed class QueryBinder(ClaimsSchema schema)
{
    private readonly CodeValidator _codes = new(schema);

    public QueryModel Bind(QuerySyntax query)
    {
        var table = Table(schema, query.From, "from");
        var where = query.Where is null ? null : Bind(query.Where, table);
        var groupBy = query.GroupBy.Select((name, i) => GroupKey(table, name, $"groupBy[{i}]")).ToArray();
        var select = query.Select.Select(a => Aggregate(schema, table, a)).ToArray();
        return new QueryModel(table, where, groupBy, select, query.OrderBy, query.Limit);
    }

    public Predicate Bind(PredicateSyntax node, TableSchema table) => node switch
    {
        AndSyntax and => new AndPredicate(and.Terms.Select(t => Bind(t, table)).ToArray()),
        OrSyntax or => new OrPredicate(or.Terms.Select(t => Bind(t, table)).ToArray()),
        NotSyntax not => new NotPredicate(Bind(not.Term, table)),
        ExistsSyntax exists => Exists(exists, table),
        ParentSyntax parent => new ParentPredicate(Parent(table, parent.Path), Bind(parent.Where, Parent(table, parent.Path)), parent.Text),
        PatientMonthSyntax month => PatientMonth(month, table),
        FirstEventSyntax first => new FirstEventPredicate(PatientTable(table, first.Path), first.Where is null ? null : Bind(first.Where, table), first.Text),
        FirstOfReceiptSyntax first => new FirstOfReceiptPredicate(LineTable(table, first.Path), first.Where is null ? null : Bind(first.Where, table)),
        LeafSyntax leaf => Leaf(leaf, table),
        _ => throw new InvalidOperationException(node.GetType().Name),
    };

    internal static TableSchema Table(ClaimsSchema schema, string name, string path) =>
        schema.TryGetTable(name, out var table)
            ? table
            : throw new QueryException(path, $"unknown table '{name}' (tables: {string.Join(", ", schema.Tables.Select(t => t.Name))})");

    private static ColumnSchema Column(TableSchema table, string name, string path) =>
        table.TryGetColumn(name, out var column)
            ? column
            : throw new QueryException(path, $"table '{table.Name}' has no column '{name}' (columns: {string.Join(", ", table.Columns.Select(c => c.Name))})");

    private ExistsPredicate Exists(ExistsSyntax exists, TableSchema table)
    {
        var child = Table(schema, exists.From, exists.Path + ".from");
        if (child.ParentTable != table.Name || child.ParentColumn is null)
            throw new QueryException(exists.Path + ".from", $"table '{child.Name}' is not a line-item table of '{table.Name}' (exists looks at rows of the same receipt)");
        return new ExistsPredicate(child, exists.Where is null ? null : Bind(exists.Where, child));
    }

    private PatientMonthPredicate PatientMonth(PatientMonthSyntax month, TableSchema table)
    {
        PatientTable(table, month.Path);
        GroupKey Key(string name, string path) => GroupKey(table, name, path) is { OfParent: false } key
            ? key
            : throw new QueryException(path, $"patientMonth counts the table's own columns; '{name}' is its receipt's");
        return new PatientMonthPredicate(table, month.Where is null ? null : Bind(month.Where, table), Key(month.Distinct, month.Path + ".distinct"),
            month.Per is null ? null : Key(month.Per, month.Path + ".per"), month.AtLeast, month.Text);
    }

    /// <summary>The table of a test of each row's patient: one with a patient_id.</summary>
    private static TableSchema PatientTable(TableSchema table, string path) =>
        table.TryGetColumn("patient_id", out _)
            ? table
            : throw new QueryException(path, $"table '{table.Name}' has no patient_id: its rows belong to no patient");

    private TableSchema LineTable(TableSchema table, string path)
    {
        Parent(table, path);
        return table;
    }

    private TableSchema Parent(TableSchema table, string path) =>
        table.ParentTable is { } parent
            ? schema.Table(parent)
            : throw new QueryException(path, $"table '{table.Name}' is not a line-item table: its rows belong to no receipt");

    private ColumnPredicate Leaf(LeafSyntax leaf, TableSchema table)
    {
        var column = Column(table, leaf.Column, leaf.Path + ".col");
        var (op, value, at) = (leaf.Op, leaf.Value, leaf.ValuePath);
        if (op == CompareOp.IsNull) return new NullTest(column, value.GetBoolean());
        if (op == CompareOp.Prefix && !column.Type.IsDictionary())
            throw new QueryException(at, $"prefix applies to code and string columns; {column} is {column.Type.Name()}");
        if (column.Type == LogicalType.Hash && op is not (CompareOp.Eq or CompareOp.Ne or CompareOp.In or CompareOp.NotIn))
            throw new QueryException(at, $"{column} is a hash: only eq, ne, in, notIn and isNull apply");
        if (column.Type.IsDictionary() && op is CompareOp.Lt or CompareOp.Le or CompareOp.Gt or CompareOp.Ge)
            throw new QueryException(at, $"{column} is a {column.Type.Name()} column: use eq, ne, in, notIn, prefix or isNull");
        // The constants as written: a list for in and notIn, two for between, one otherwise.
        (JsonElement Value, string Path)[] constants = op switch
        {
            CompareOp.In or CompareOp.NotIn => value.EnumerateArray().Select((v, i) => (v, $"{at}[{i}]")).ToArray(),
            CompareOp.Between => [(value[0], at + "[0]"), (value[1], at + "[1]")],
            _ => [(value, at)],
        };
        var negated = op is CompareOp.Ne or CompareOp.NotIn;
        var list = op is CompareOp.Ne or CompareOp.In or CompareOp.NotIn;
        switch (column.Type)
        {
            case LogicalType.Hash:
                return new HashMatch(column, constants.Select(c => Hash(column, c.Value, c.Path)).ToArray(), negated);
            case var type when type.IsDictionary():
                if (op == CompareOp.Prefix)
                {
                    _codes.CheckPrefix(column, value.GetString()!, at);
                    return new CodePrefix(column, value.GetString()!);
                }
                var codes = constants.Select(c => Code(column, c.Value, c.Path)).ToArray();
                return op == CompareOp.Between ? new CodeRange(column, codes[0], codes[1]) : new CodeSet(column, codes, negated);
            case LogicalType.Float32:
                // Constants are rounded to float, the column's precision: eq 5.6 finds the stored 5.6f.
                var floats = constants.Select(c => (float)Number(column, c.Value, c.Path)).ToArray();
                if (list) return new FloatSet(column, floats, negated);
                var (low, high) = FloatBounds(op, floats);
                return new FloatRange(column, low, high);
            default:
                var integers = constants.Select(c => Integer(column, c.Value, c.Path)).ToArray();
                if (list) return new IntegerSet(column, integers, negated);
                var (from, to) = IntegerBounds(op, integers);
                return new IntegerRange(column, from, to);
        }
    }

    /// <summary>A comparison as an inclusive range; one past the largest (or before the smallest) long is empty.</summary>
    private static (long Low, long High) IntegerBounds(CompareOp op, long[] c) => op switch
    {
        CompareOp.Eq => (c[0], c[0]),
        CompareOp.Lt => c[0] == long.MinValue ? (long.MaxValue, long.MinValue) : (long.MinValue, c[0] - 1),
        CompareOp.Le => (long.MinValue, c[0]),
        CompareOp.Gt => c[0] == long.MaxValue ? (long.MaxValue, long.MinValue) : (c[0] + 1, long.MaxValue),
        CompareOp.Ge => (c[0], long.MaxValue),
        _ => (c[0], c[1]),
    };

    /// <summary>A comparison as an inclusive float range: an exclusive bound steps to the next float in (infinities stay).</summary>
    private static (float Low, float High) FloatBounds(CompareOp op, float[] c) => op switch
    {
        CompareOp.Eq => (c[0], c[0]),
        CompareOp.Lt => (float.NegativeInfinity, float.IsInfinity(c[0]) ? c[0] : MathF.BitDecrement(c[0])),
        CompareOp.Le => (float.NegativeInfinity, c[0]),
        CompareOp.Gt => (float.IsInfinity(c[0]) ? c[0] : MathF.BitIncrement(c[0]), float.PositiveInfinity),
        CompareOp.Ge => (c[0], float.PositiveInfinity),
        _ => (c[0], c[1]),
    };

    private string Code(ColumnSchema column, JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.String) throw new QueryException(path, $"{column} holds codes: give a string");
        _codes.CheckCode(column, value.GetString()!, path);
        return value.GetString()!;
    }

    private static byte[] Hash(ColumnSchema column, JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.String || value.GetString()!.Length != 64 || !value.GetString()!.All(char.IsAsciiHexDigit))
            throw new QueryException(path, $"{column} is a hash: give 64 hex digits");
        return Convert.FromHexString(value.GetString()!);
    }

    private static double Number(ColumnSchema column, JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.Number ? value.GetDouble() : throw new QueryException(path, $"{column} is a number");

    /// <summary>An integer in the column's terms: dates as days, flags as 0 and 1, enum codes checked.</summary>
    private long Integer(ColumnSchema column, JsonElement value, string path)
    {
        switch (column.Type)
        {
            case LogicalType.Date:
                if (value.ValueKind == JsonValueKind.String && DateOnly.TryParseExact(value.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                    return DateDays.From(date);
                throw new QueryException(path, $"{column} is a date: give \"YYYY-MM-DD\"");
            case LogicalType.Bool:
                if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean() ? 1L : 0L;
                throw new QueryException(path, $"{column} is true/false");
            default:
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var integer))
                    throw new QueryException(path, $"{column} is an integer{(column.Type == LogicalType.Month ? " (YYYYMM)" : "")}");
                _codes.CheckEnum(column, integer, path);
                return integer;
        }
    }

    private GroupKey GroupKey(TableSchema table, string name, string path) => name switch
    {
        // The receipt's keys are its own, derived bands included (receipts.age_band).
        _ when table.ParentTable is { } parent && name.StartsWith(parent + ".", StringComparison.Ordinal) =>
            GroupKey(schema.Table(parent), name[(parent.Length + 1)..], path) with { Name = name, OfParent = true },
        "age_band" => new GroupKey(name, Column(table, "age", path), Derivation.AgeBand),
        "year" => new GroupKey(name, table.PartitionColumn, Derivation.Year),
        "fiscal_year" => new GroupKey(name, table.PartitionColumn, Derivation.FiscalYear),
        "icd10_category" => table.TryGetColumn("icd10", out var icd10)
            ? new GroupKey(name, icd10, Derivation.Icd10Category)
            : throw new QueryException(path, $"icd10_category is the first three characters of icd10, and table '{table.Name}' has no icd10 column"),
        "icd10_chapter" => table.TryGetColumn("icd10", out var coded)
            ? new GroupKey(name, coded, Derivation.Icd10Chapter)
            : throw new QueryException(path, $"icd10_chapter is the chapter of icd10, and table '{table.Name}' has no icd10 column"),
        "yj_ingredient" => table.TryGetColumn("yj_code", out var yj)
            ? new GroupKey(name, yj, Derivation.YjIngredient)
            : throw new QueryException(path, $"yj_ingredient is the first seven characters of yj_code, and table '{table.Name}' has no yj_code column"),
        _ => Column(table, name, path) is { Type: not LogicalType.Hash } column
            ? new GroupKey(name, column, Derivation.None)
            : throw new QueryException(path, $"cannot group by the hash column '{name}'"),
    };

    private static Aggregate Aggregate(ClaimsSchema schema, TableSchema table, AggregateSyntax aggregate)
    {
        if (aggregate.Argument == "*") return new Aggregate(aggregate.Kind, null, aggregate.Alias);
        var at = aggregate.ArgumentPath;
        if (table.ParentTable is { } parent && aggregate.Argument.StartsWith(parent + ".", StringComparison.Ordinal))
        {
            var own = Column(schema.Table(parent), aggregate.Argument[(parent.Length + 1)..], at);
            // A null would need the receipt's validity where the scan reads the line's; no receipt quantity is nullable.
            if (aggregate.Kind is not (AggregateKind.Sum or AggregateKind.Avg) || own.Nullable || own.Type is LogicalType.Float32)
                throw new QueryException(at, $"a receipt's column is taken in sum and avg of its integer columns without nulls (total_points, actual_days), not {aggregate.KindName} of {own}");
            return Aggregate(schema, schema.Table(parent), aggregate with { Argument = own.Name }) with { Alias = aggregate.Alias, OfParent = true };
        }
        var column = Column(table, aggregate.Argument, at);
        var numeric = column.Type is not (LogicalType.Code or LogicalType.String or LogicalType.Hash);
        if (aggregate.Kind is AggregateKind.Sum or AggregateKind.Avg or AggregateKind.Min or AggregateKind.Max && !numeric)
            throw new QueryException(at, $"{aggregate.KindName} needs a numeric column; {column} is {column.Type.Name()}");
        if (aggregate.Kind is AggregateKind.Sum or AggregateKind.Avg && column.Type is LogicalType.Date or LogicalType.Bool)
            throw new QueryException(at, $"{aggregate.KindName} of {column.Type.Name()} values means nothing; use min, max or count");
        return new Aggregate(aggregate.Kind, column, aggregate.Alias);
    }
}
