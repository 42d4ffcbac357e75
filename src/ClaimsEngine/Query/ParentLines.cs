using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Claims.Engine.Storage;

namespace Claims.Engine.Query;

/// <summary>
/// The lines a <see cref="ParentPredicate"/> picks, as bits over a line-item partition, kept per partition by the
/// test's text. One dashboard view asks the same parent test in each of its queries (numerator and denominator, by
/// prefecture and for the nation) and again inside a patientMonth test, and each answer walked the month's link of
/// lines to receipts: a walk of both id columns, the dearest part of those queries. A period of a dataset shares
/// its partitions, so it shares their bits. A partition keeps at most <see cref="Kept"/> tests (a byte a line),
/// past which it starts again.
/// </summary>
internal static class ParentLines
{
    private const int Kept = 8;

    private static readonly ConditionalWeakTable<DatasetPartition, ConcurrentDictionary<string, Lazy<ulong[]>>> s_lines = [];

    /// <summary>The partition's lines that <paramref name="text"/> picks, <paramref name="build"/> run on first ask.</summary>
    public static ulong[] Of(DatasetPartition lines, string text, Func<ulong[]> build)
    {
        var kept = s_lines.GetValue(lines, _ => new());
        if (!kept.ContainsKey(text) && kept.Count >= Kept) kept.Clear();
        return kept.GetOrAdd(text, _ => new Lazy<ulong[]>(build)).Value;
    }
}
