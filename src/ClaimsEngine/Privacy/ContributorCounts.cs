using Claims.Engine.Query;
using Claims.Engine.Storage;

namespace Claims.Engine.Privacy;

/// <summary>
/// How many patients (or claims) stand behind each aggregate of a nullable column in each group: those with a value.
/// A large group can hold only one or two of them (two admissions among thousands of outpatients), and a count or
/// sum of that column would then describe those few; such a cell is suppressed like a small group. One scan per
/// nullable column the query aggregates; columns without nulls are behind the whole group and need none.
/// Whether they are enough is decided on their count perturbed by their own cell key, as a group's is: keyed by
/// the group's patients instead, patients without a value added to the group would re-roll the decision until
/// it gave the exact count away.
/// </summary>
internal static class ContributorCounts
{
    /// <summary>Per aggregate of <paramref name="query"/>, the contributors per group key (their count and cell key), or null where the group's own count stands.</summary>
    public static IReadOnlyDictionary<object?[], (long Count, uint CellKey)>?[] Of(Dataset dataset, QueryModel query, ReleaseUnit unit, RecordKeys records,
        ExecutionOptions options, CancellationToken cancellationToken)
    {
        var byColumn = new Dictionary<string, IReadOnlyDictionary<object?[], (long, uint)>>();
        return query.Select.Select(aggregate =>
        {
            if (aggregate.Column is not { Nullable: true } column || column == unit.Column) return null;
            if (byColumn.TryGetValue(column.Name, out var known)) return known;
            var present = new NullTest(column, IsNull: false);
            var counted = query with
            {
                Where = query.Where is null ? present : new AndPredicate([query.Where, present]),
                Select = [new Aggregate(AggregateKind.CountDistinct, unit.Column, "\0contributors")],
                OrderBy = [],
                Limit = null,
            };
            var keys = query.GroupBy.Count;
            var counts = dataset.Groups(counted, cancellationToken, options: options)
                .ToDictionary(g => g.Values[..keys], g => ((long)g.Values[keys]!, records.CellKey(g.State, 0)), GroupKeyComparer.Instance);
            byColumn[column.Name] = counts;
            return counts;
        }).ToArray();
    }
}
