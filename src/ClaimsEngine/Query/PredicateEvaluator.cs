using System.Collections.Concurrent;
using Claims.Engine.Kernels;
using Claims.Engine.Schema;
using Claims.Engine.Storage;

namespace Claims.Engine.Query;

/// <summary>
/// Evaluates a where tree over one block of one partition into selection bitmaps (bit i = row i), with SQL's
/// three-valued logic so that results match any SQL engine: every node yields the rows where it is true and the
/// rows where it is unknown (a comparison with NULL); NOT swaps true and false and keeps unknown.
/// Constants are bound per partition once (a code becomes its dictionary id, a prefix an id range).
/// </summary>
internal sealed class PredicateEvaluator
{
    private readonly Dataset _dataset;
    private readonly PatientMonths _patients;
    private readonly ConcurrentDictionary<(ColumnPredicate, DatasetPartition), BoundLeaf> _bound = new();
    private readonly ConcurrentDictionary<(Predicate, int), Lazy<HashSet<long>>> _receipts = new();
    private readonly ConcurrentDictionary<(FirstOfReceiptPredicate, int), Lazy<ulong[]>> _firstLines = new();
    private readonly ConcurrentDictionary<(ParentPredicate, DatasetPartition), ulong[]> _parents = new();

    public PredicateEvaluator(Dataset dataset)
    {
        _dataset = dataset;
        _patients = new PatientMonths(dataset, this);
    }

    public static int Words(int rows) => (rows + 63) >> 6;

    /// <summary>Rows [start, start + count) of the partition: <paramref name="isTrue"/> and <paramref name="isUnknown"/> receive the result.</summary>
    public void Evaluate(Predicate predicate, DatasetPartition partition, int start, int count, Span<ulong> isTrue, Span<ulong> isUnknown)
    {
        switch (predicate)
        {
            case AndPredicate and:
                Evaluate(and.Terms[0], partition, start, count, isTrue, isUnknown);
                Combine(and.Terms, partition, start, count, isTrue, isUnknown, conjunction: true);
                break;
            case OrPredicate or:
                Evaluate(or.Terms[0], partition, start, count, isTrue, isUnknown);
                Combine(or.Terms, partition, start, count, isTrue, isUnknown, conjunction: false);
                break;
            case NotPredicate not:
                Evaluate(not.Term, partition, start, count, isTrue, isUnknown);
                for (var w = 0; w < isTrue.Length; w++) isTrue[w] = ~isTrue[w] & ~isUnknown[w];
                ClearTail(isTrue, count);
                break;
            case ExistsPredicate exists:
                // Receipts with a matching line; a receipt's id column has the name of the lines' parent column.
                var link = exists.Child.ParentColumn!.Name;
                Probe(Receipts(exists, partition.Key, exists.Child, link, exists.Where), partition.Column(link), start, count, isTrue);
                isUnknown.Clear();
                break;
            case ParentPredicate parent:
                ParentRows(parent, partition, start, count, isTrue);
                isUnknown.Clear();
                break;
            case PatientMonthPredicate month:
                Probe(_patients.Distinct(month, partition.Key), partition, start, count, isTrue);
                isUnknown.Clear();
                break;
            case FirstEventPredicate first:
                Probe(_patients.First(first, partition.Key), partition, start, count, isTrue);
                isUnknown.Clear();
                break;
            case FirstOfReceiptPredicate first:
                // Blocks start on whole words of the partition's rows.
                FirstLines(first, partition).AsSpan(start >> 6, isTrue.Length).CopyTo(isTrue);
                ClearTail(isTrue, count);
                isUnknown.Clear();
                break;
            case ColumnPredicate leaf:
                Leaf(leaf, partition).Evaluate(start, count, isTrue, isUnknown);
                break;
            default:
                throw new InvalidOperationException(predicate.GetType().Name);
        }
    }

    /// <summary>
    /// False when zone maps prove no row of the block can make the predicate true, so the block is not read.
    /// The partition column's zone is its key, so the same test prunes whole months.
    /// </summary>
    public bool MayMatch(Predicate predicate, DatasetPartition partition, int block) => predicate switch
    {
        AndPredicate and => and.Terms.All(t => MayMatch(t, partition, block)),
        OrPredicate or => or.Terms.Any(t => MayMatch(t, partition, block)),
        ColumnPredicate leaf => Leaf(leaf, partition).MayMatch(leaf.Column == partition.Table.PartitionColumn
            ? new ZoneEntry(partition.Key, partition.Key, 0, 1)
            : partition.Column(leaf.Column.Name).Zones[block]),
        _ => true,
    };

    private void Combine(IReadOnlyList<Predicate> terms, DatasetPartition partition, int start, int count, Span<ulong> isTrue, Span<ulong> isUnknown,
        bool conjunction)
    {
        if (terms.Count == 1) return;
        var words = isTrue.Length;
        Span<ulong> otherTrue = words <= 1024 ? stackalloc ulong[words] : new ulong[words];
        Span<ulong> otherUnknown = words <= 1024 ? stackalloc ulong[words] : new ulong[words];
        for (var t = 1; t < terms.Count; t++)
        {
            // A conjunction false on every row stays false, and a disjunction true on every row stays true: the
            // terms left (an exists, last in the plan's order) are not read.
            if (conjunction ? isTrue.IndexOfAnyExcept(0UL) < 0 && isUnknown.IndexOfAnyExcept(0UL) < 0 : AllSet(isTrue, count)) break;
            // While nothing is unknown, a leaf over a column without nulls can AND straight into the result: one
            // pass over its values, no second bitmap to combine.
            if (conjunction && terms[t] is ColumnPredicate leaf && isUnknown.IndexOfAnyExcept(0UL) < 0
                && Leaf(leaf, partition).TryAnd(start, count, isTrue))
                continue;
            Evaluate(terms[t], partition, start, count, otherTrue, otherUnknown);
            for (var w = 0; w < words; w++)
            {
                ulong t1 = isTrue[w], u1 = isUnknown[w], t2 = otherTrue[w], u2 = otherUnknown[w];
                if (conjunction)
                {
                    var false1 = ~t1 & ~u1;
                    var false2 = ~t2 & ~u2;
                    isTrue[w] = t1 & t2;
                    isUnknown[w] = (u1 | u2) & ~false1 & ~false2;
                }
                else
                {
                    isTrue[w] = t1 | t2;
                    isUnknown[w] = (u1 | u2) & ~(t1 | t2);
                }
            }
        }
        ClearTail(isUnknown, count);
    }

    private static bool AllSet(ReadOnlySpan<ulong> bits, int count) =>
        (count & 63) == 0 ? bits.IndexOfAnyExcept(ulong.MaxValue) < 0 : bits[..^1].IndexOfAnyExcept(ulong.MaxValue) < 0 && bits[^1] == (1UL << (count & 63)) - 1;

    private static void ClearTail(Span<ulong> bits, int count)
    {
        if ((count & 63) != 0) bits[^1] &= (1UL << (count & 63)) - 1;
    }

    private BoundLeaf Leaf(ColumnPredicate leaf, DatasetPartition partition) =>
        _bound.GetOrAdd((leaf, partition), key => new BoundLeaf(key.Item1, key.Item2.Column(key.Item1.Column.Name)));

    /// <summary>The rows whose receipt id is in <paramref name="receipts"/>.</summary>
    private static void Probe(HashSet<long> receipts, MappedColumn receiptIds, int start, int count, Span<ulong> isTrue)
    {
        var ids = receiptIds.Values<long>();
        isTrue.Clear();
        for (var i = 0; i < count; i++)
            if (receipts.Contains(ids[start + i])) isTrue[i >> 6] |= 1UL << (i & 63);
    }

    /// <summary>
    /// The lines whose receipt matches the parent's where: the month's matching receipts as bits over the receipts
    /// partition, read through the dataset's link of each line to its receipt's row, an array read where a set of
    /// receipt ids hashed every line. Built for the whole partition once and kept across queries (<see cref="ParentLines"/>).
    /// </summary>
    private void ParentRows(ParentPredicate parent, DatasetPartition partition, int start, int count, Span<ulong> isTrue)
    {
        // Held for the query, so a test another query pushes out of the dataset's keeping is not built again per block.
        var lines = _parents.GetOrAdd((parent, partition), key => ParentLines.Of(_dataset, key.Item1.Text, key.Item2, () => Lines(key.Item1, key.Item2)));
        // Blocks start on whole words of the partition's rows.
        lines.AsSpan(start >> 6, isTrue.Length).CopyTo(isTrue);
        ClearTail(isTrue, count);
    }

    private ulong[] Lines(ParentPredicate parent, DatasetPartition partition)
    {
        var link = _dataset.Receipts(partition);
        var matching = new ulong[Words(link.Receipts.RowCount)];
        Matching(link.Receipts, parent.Where, row => matching[row >> 6] |= 1UL << (row & 63));
        var lines = new ulong[Words(partition.RowCount)];
        var blockRows = _dataset.Manifest.BlockRows;
        var rows = new int[Math.Min(blockRows, partition.RowCount)];
        for (var start = 0; start < partition.RowCount; start += blockRows)
        {
            var count = Math.Min(blockRows, partition.RowCount - start);
            link.Rows(start, count, rows.AsSpan(0, count));
            for (var i = 0; i < count; i++)
                if (rows[i] is >= 0 and var r && (matching[r >> 6] & (1UL << (r & 63))) != 0)
                    lines[(start + i) >> 6] |= 1UL << ((start + i) & 63);
        }
        return lines;
    }

    /// <summary>The rows whose patient is in <paramref name="patients"/> (none where there is no set).</summary>
    private static void Probe(Cohorts.PatientSet? patients, DatasetPartition partition, int start, int count, Span<ulong> isTrue)
    {
        isTrue.Clear();
        if (patients is null) return;
        var column = Cohorts.EventScan.PatientIds(partition);
        var ids = column.Values<int>();
        for (var i = 0; i < count; i++)
            if (!column.IsNull(start + i) && patients.Contains(ids[start + i])) isTrue[i >> 6] |= 1UL << (i & 63);
    }

    /// <summary>The partition's rows, as bits, that are the first of their receipt's rows matching the test's where; built once per query and month.</summary>
    private ulong[] FirstLines(FirstOfReceiptPredicate test, DatasetPartition partition) =>
        _firstLines.GetOrAdd((test, partition.Key), _ => new Lazy<ulong[]>(() =>
        {
            var first = new ulong[Words(partition.RowCount)];
            var seen = new HashSet<long>();
            var receipts = partition.Column(partition.Table.ParentColumn!.Name);
            Matching(partition, test.Where, row =>
            {
                if (seen.Add(receipts.Values<long>()[row])) first[row >> 6] |= 1UL << (row & 63);
            });
            return first;
        })).Value;

    /// <summary>
    /// The receipt ids (column <paramref name="idColumn"/>) of the month's rows of <paramref name="table"/> that match
    /// <paramref name="where"/>, all of them without one. Lines share their receipt's month partition, so one month's
    /// set answers one month's rows; built once per query.
    /// </summary>
    private HashSet<long> Receipts(Predicate node, int month, TableSchema table, string idColumn, Predicate? where) =>
        _receipts.GetOrAdd((node, month), _ => new Lazy<HashSet<long>>(() =>
        {
            var result = new HashSet<long>();
            var partition = _dataset.Table(table.Name).Partitions.FirstOrDefault(p => p.Key == month);
            if (partition is null) return result;
            var keys = partition.Column(idColumn);
            Matching(partition, where, row => result.Add(keys.Values<long>()[row]));
            return result;
        })).Value;

    /// <summary>Visits the partition's rows matching <paramref name="where"/> (every row without one), in order, block by block.</summary>
    public void Matching(DatasetPartition partition, Predicate? where, Action<int> visit)
    {
        var blockRows = _dataset.Manifest.BlockRows;
        var isTrue = new ulong[Words(blockRows)];
        var isUnknown = new ulong[isTrue.Length];
        for (var start = 0; start < partition.RowCount; start += blockRows)
        {
            var count = Math.Min(blockRows, partition.RowCount - start);
            var words = isTrue.AsSpan(0, Words(count));
            if (where is null) Bitmap.SetAll(words, count);
            else Evaluate(where, partition, start, count, words, isUnknown.AsSpan(0, words.Length));
            foreach (var i in Bitmap.SetBits(words)) visit(start + i);
        }
    }
}
