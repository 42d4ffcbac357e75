using Claims.Engine.Query;
using Claims.Engine.Schema;

namespace Claims.Engine.Privacy;

/// <summary>
/// What a query may ask of restricted data. Min and max are one record's value, however large its group; an
/// aggregate of an identifying column (ids, hashes, birth month, facility) describes whom a group holds rather than
/// what happened to them; a distinct count of values other than patients, claims and checkups can be fixed exactly
/// by a where clause, and one of claims on a table of their lines (diagnoses, drugs) beside its count of lines says
/// how many lines one claim has; a sum of a flag is a count of rows that no patient threshold stands behind, and a sum of
/// dates is no figure at all. Group keys are released even where every cell is suppressed, so they must not
/// identify either. A table that holds no patients, claims or checkups (the population) has nothing a threshold counts.
/// Each refusal names the aggregate and says what to ask instead.
/// </summary>
internal static class RestrictedAggregates
{
    private static readonly HashSet<string> s_countable = ["patient_id", "receipt_id", "checkup_id"];

    public static void Check(QueryModel query)
    {
        if (!query.From.Columns.Any(c => s_countable.Contains(c.Name)))
            throw new QueryException("from", $"'{query.From.Name}' counts no patients, claims or checkups, so nothing of it is released from restricted data; its figures are published: read them from a public dataset or their file");
        if (query.GroupBy.FirstOrDefault(k => k.Column.Identifying || k.Column.Type == LogicalType.Hash) is { } key)
            throw new QueryException("groupBy", $"'{key.Name}' identifies patients or records: restricted data is not grouped by it, since group keys are released");
        foreach (var aggregate in query.Select)
        {
            if (Refusal(aggregate, query.From) is { } why) throw new QueryException("select", $"'{aggregate.Alias}' ({Describe(aggregate)}): {why}");
        }
        RestrictedPredicates.Check(query.Where, "where");
    }

    private static string? Refusal(Aggregate aggregate, TableSchema table) => (aggregate.Kind, aggregate.Column) switch
    {
        (AggregateKind.Min or AggregateKind.Max, _) =>
            "min and max are refused on restricted data: each is one record's value, however large the group (ask for an average, or count rows above a value)",
        (_, null) => null,
        // Claims counted on the table of their lines differ from the lines by the lines of each claim past its first:
        // a fresh cell of one-line claims with one person's claims that carry a code said how many they have.
        (AggregateKind.CountDistinct, { Name: "receipt_id" }) when table.PrimaryKey is not [{ Name: "receipt_id" }] =>
            $"a distinct count of claims on '{table.Name}' is refused on restricted data: beside the count of its rows it would say how many rows one claim has; count claims from receipts with an exists on '{table.Name}'",
        (AggregateKind.CountDistinct, { } column) when s_countable.Contains(column.Name) => null,
        (_, { } column) when column.Identifying || column.Type == LogicalType.Hash =>
            $"'{column.Name}' identifies patients, records or facilities: restricted data is not aggregated over it (count patients with countDistinct of patient_id, claims with countDistinct of receipt_id)",
        // A where clause can make such a count exact (nine prefectures picked, plus one person's block if they have
        // E11): 9 is always x and 10 often shown, so any figure shown said the person has it (attack review 16).
        (AggregateKind.CountDistinct, { } column) =>
            $"a distinct count of '{column.Name}' values is refused on restricted data: a where clause can fix it exactly, so whether it is shown would say whether one more value is there; group by '{column.Name}' and count patients instead",
        (AggregateKind.Sum or AggregateKind.Avg, { Type: LogicalType.Bool }) =>
            $"a sum of the flag '{aggregate.Column.Name}' is a count of rows: count them with {{\"count\": \"*\"}} and a where on the flag, so the patient threshold applies",
        (AggregateKind.Sum or AggregateKind.Avg, { Type: LogicalType.Date or LogicalType.Month or LogicalType.Code or LogicalType.String }) =>
            $"'{aggregate.Column.Name}' is not a quantity to add up",
        // A category's numbers are labels: summing one where it is constant counts rows.
        (AggregateKind.Sum or AggregateKind.Avg, { CodeSystem: { } codes }) when codes.StartsWith("enum:", StringComparison.Ordinal) =>
            $"'{aggregate.Column.Name}' is a category ({codes}), not a quantity to add up: group by it and count instead",
        _ => null,
    };

    private static string Describe(Aggregate aggregate) =>
        $"{char.ToLowerInvariant(aggregate.Kind.ToString()[0])}{aggregate.Kind.ToString()[1..]} of {aggregate.Column?.Name ?? "*"}";
}
