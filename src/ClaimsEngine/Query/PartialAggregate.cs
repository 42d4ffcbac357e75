using System.Text;
using Claims.Engine.Schema;

namespace Claims.Engine.Query;

/// <summary>
/// What a scan of some of a dataset's partitions leaves for a query: its groups, each with its running aggregates
/// (rows, values, sums, extremes, distinct sets: all disclosure control needs too), keyed by values that mean the
/// same in any process. Codes and hashes are numbered in the partial's own string table, which travels with it;
/// merging renumbers the other's into this one's. Merging is associative and commutative, so partials of any split
/// of the partitions, merged in any order, finish to the result one scan of them all gives. A partial writes itself
/// to bytes so that another process (a cluster's silo) can merge it; both sides must hold the same bound query.
/// </summary>
internal sealed class PartialAggregate
{
    private const string Magic = "claims.partial";
    private const int Version = 2;

    private readonly List<string> _strings;
    private readonly Dictionary<string, int> _ids;

    private PartialAggregate(QueryModel query, List<string> strings, Dictionary<GroupKey4, GroupState> groups)
    {
        Query = query;
        _strings = strings;
        _ids = new Dictionary<string, int>(strings.Count, StringComparer.Ordinal);
        for (var i = 0; i < strings.Count; i++) _ids.TryAdd(strings[i], i);
        Groups = groups;
    }

    public QueryModel Query { get; }

    public Dictionary<GroupKey4, GroupState> Groups { get; }

    public IReadOnlyList<string> Strings => _strings;

    /// <summary>
    /// The partial of a scan that numbered codes in <paramref name="strings"/>: hashes, numbered apart there by
    /// their bytes, join the string table as hex, so every number in the partial points into one table.
    /// </summary>
    internal static PartialAggregate Of(QueryModel query, Dictionary<GroupKey4, GroupState> groups, GlobalStrings strings)
    {
        var partial = new PartialAggregate(query, strings.Snapshot(), groups);
        var hashed = query.Select.Select((a, i) => (a, i)).Where(x => x.a.Kind == AggregateKind.CountDistinct && x.a.Column!.Type == LogicalType.Hash)
            .Select(x => x.i).ToArray();
        if (hashed.Length == 0) return partial;
        // A number skipped in a race (an empty string) is in no set.
        var map = strings.Hashes().Select(hex => hex.Length == 0 ? -1 : partial.IdOf(hex)).ToArray();
        foreach (var state in groups.Values)
            foreach (var a in hashed) state.Renumber(a, map);
        return partial;
    }

    /// <summary>Adds <paramref name="other"/>'s groups to these; <paramref name="other"/> is left as it was.</summary>
    public void Merge(PartialAggregate other)
    {
        if (Shape(other.Query) != Shape(Query))
            throw new ClaimsException($"partial aggregate: cannot merge a partial of \"{Shape(other.Query)}\" into one of \"{Shape(Query)}\"");
        var map = other._strings.Select(IdOf).ToArray();
        var identity = map.Select((id, i) => id == i).All(same => same);
        var textKeys = TextKeys();
        var textDistinct = TextDistinct();
        foreach (var (key, state) in other.Groups)
        {
            var copy = state.Copy();
            var mapped = key;
            if (!identity)
            {
                foreach (var a in textDistinct) copy.Renumber(a, map);
                mapped = new GroupKey4(Renumber(key.A, 0), Renumber(key.B, 1), Renumber(key.C, 2), Renumber(key.D, 3));
            }
            if (Groups.TryGetValue(mapped, out var mine)) mine.Merge(copy);
            else Groups[mapped] = copy;

            long Renumber(long value, int k) => k < textKeys.Length && textKeys[k] && value != GroupKey4.Null ? map[(int)value] : value;
        }
    }

    /// <summary>
    /// The result's rows, one per group, unordered; a query without groups has its one row even over nothing. Its
    /// cells are those <paramref name="shown"/> asks (the partial's query where not given), whose aggregates lead
    /// the partial's own: disclosure control's follow them.
    /// </summary>
    public QueryResult Finish(QueryModel? shown = null)
    {
        shown ??= Query;
        if (shown.From != Query.From || !shown.GroupBy.SequenceEqual(Query.GroupBy) || !shown.Select.Select(a => a.Alias).SequenceEqual(Query.Select.Take(shown.Select.Count).Select(a => a.Alias)))
            throw new ClaimsException($"partial aggregate: a partial of \"{Shape(Query)}\" does not finish \"{Shape(shown)}\"");
        var groups = Groups;
        if (Query.GroupBy.Count == 0 && groups.Count == 0) groups = new() { [default] = new GroupState(Query.Select.Count) };
        return QueryResult.Of(shown, groups, _strings);
    }

    public void WriteTo(Stream stream)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(Shape(Query));
        writer.Write(_strings.Count);
        foreach (var text in _strings) writer.Write(text);
        writer.Write(Groups.Count);
        foreach (var (key, state) in Groups)
        {
            writer.Write(key.A);
            writer.Write(key.B);
            writer.Write(key.C);
            writer.Write(key.D);
            state.WriteTo(writer);
        }
    }

    /// <summary>Reads a partial written by <see cref="WriteTo"/> for the same bound query, or says what is wrong with the bytes.</summary>
    public static PartialAggregate ReadFrom(Stream stream, QueryModel query)
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            if (reader.ReadString() != Magic) throw Invalid("it does not start as one");
            if (reader.ReadInt32() is var version and not Version) throw Invalid($"it is version {version}; this build reads version {Version}");
            if (reader.ReadString() is var shape && shape != Shape(query)) throw Invalid($"it is of \"{shape}\", not of \"{Shape(query)}\"");
            // Not sized by the counts read: altered bytes could ask for gigabytes before they ran out.
            var strings = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = Count(reader.ReadInt32(), "strings"); i > 0; i--)
            {
                strings.Add(reader.ReadString());
                // Two numbers for one code would finish to two rows for one group.
                if (!seen.Add(strings[^1])) throw Invalid($"its string table holds \"{strings[^1]}\" twice");
            }
            var count = Count(reader.ReadInt32(), "groups");
            var groups = new Dictionary<GroupKey4, GroupState>();
            for (var g = 0; g < count; g++)
            {
                var key = new GroupKey4(reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64());
                if (!groups.TryAdd(key, GroupState.ReadFrom(reader, query.Select.Count))) throw Invalid("it holds a group twice");
            }
            if (reader.BaseStream.ReadByte() >= 0) throw Invalid("bytes follow its end");
            var partial = new PartialAggregate(query, strings, groups);
            partial.CheckValues();
            return partial;
        }
        // IOException covers an end of stream and a string whose length is negative.
        catch (Exception e) when (e is IOException or FormatException or InvalidDataException)
        {
            throw Invalid($"its bytes end early or are malformed ({e.Message})");
        }
    }

    /// <summary>The query's layout, which two partials must share to be merged: the table, the keys, the aggregates.</summary>
    public static string Shape(QueryModel query) =>
        $"{query.From.Name} by [{string.Join(", ", query.GroupBy.Select(k => $"{k.Column.Name}:{k.Derivation}"))}] " +
        $"select [{string.Join(", ", query.Select.Select(a => $"{a.Kind}:{(a.OfParent ? "parent." : "")}{a.Column?.Name ?? "*"}{(a.WhereNotNull is { } present ? $" where {present.Name} has a value" : "")}{(a.WhereNull is { } missing ? $" where {missing.Name} has none" : "")}{(a.PerUnit is { } unit ? $" per {unit.Name}" : "")}"))}]";

    private static ClaimsException Invalid(string why) => new($"partial aggregate: cannot read it: {why}");

    private static int Count(int count, string what) => count >= 0 ? count : throw Invalid($"it gives {count} {what}");

    private int IdOf(string text)
    {
        if (_ids.TryGetValue(text, out var id)) return id;
        _ids[text] = id = _strings.Count;
        _strings.Add(text);
        return id;
    }

    private bool[] TextKeys() =>
        Query.GroupBy.Select(k => k.Column.Type.IsDictionary() && k.Derivation != Derivation.Icd10Chapter).ToArray();

    private int[] TextDistinct() =>
        Query.Select.Select((a, i) => (a, i))
            .Where(x => x.a is { Kind: AggregateKind.CountDistinct, Column: { } column } && (column.Type == LogicalType.Hash || column.Type.IsDictionary()))
            .Select(x => x.i).ToArray();

    /// <summary>
    /// Every value a read partial holds must be one its query can finish: code numbers inside its table, dates that
    /// are dates, no key parts past the query's keys. A bad one would otherwise fail, or give a wrong row, only when
    /// finished.
    /// </summary>
    private void CheckValues()
    {
        var textKeys = TextKeys();
        var textDistinct = TextDistinct();
        var dateKeys = Query.GroupBy.Select(k => k.Derivation == Derivation.None && k.Column.Type == LogicalType.Date).ToArray();
        var dateExtremes = Query.Select.Select((a, i) => (a, i))
            .Where(x => x.a is { Kind: AggregateKind.Min or AggregateKind.Max, Column.Type: LogicalType.Date }).Select(x => x.i).ToArray();
        foreach (var (key, state) in Groups)
        {
            for (var k = textKeys.Length; k < 4; k++)
                if (key[k] != 0) throw Invalid($"a group has a key part {k + 1} where the query has {textKeys.Length} keys");
            for (var k = 0; k < textKeys.Length; k++)
            {
                if (key[k] == GroupKey4.Null) continue;
                if (textKeys[k] && (ulong)key[k] >= (ulong)_strings.Count) throw Invalid($"a group key points past its {_strings.Count} strings");
                if (dateKeys[k] && !DateDays.IsDate(key[k])) throw Invalid($"a group key of {Query.GroupBy[k].Name} is no date");
            }
            foreach (var a in dateExtremes)
                if (state.NonNull[a] > 0 && !DateDays.IsDate(Query.Select[a].Kind == AggregateKind.Min ? state.LongMin[a] : state.LongMax[a]))
                    throw Invalid($"the {Query.Select[a].Alias} of a group is no date");
            foreach (var a in textDistinct)
                state.ForEachDistinct(a, value =>
                {
                    if ((ulong)value >= (ulong)_strings.Count) throw Invalid($"a distinct value points past its {_strings.Count} strings");
                });
        }
    }
}
