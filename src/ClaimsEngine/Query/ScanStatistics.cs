using Claims.Engine.Storage;

namespace Claims.Engine.Query;

/// <summary>
/// What one query's scan read of its table: every block, the blocks read, and the blocks that zone maps skipped
/// inside months that were read (months skipped whole on their key are not counted there). Filled by
/// <see cref="QueryExecutor"/> for tests that prove skipping happens, since results alone cannot show it.
/// </summary>
internal sealed class ScanStatistics
{
    public int Blocks { get; private set; }
    public int Scanned { get; private set; }
    public int ZoneSkipped { get; private set; }

    private int _dense;

    /// <summary>Blocks grouped by <see cref="DenseGroups"/>, flat arrays indexed by cell; the rest went row by row or had no groups.</summary>
    public int DenseBlocks => Volatile.Read(ref _dense);

    public void Dense() => Interlocked.Increment(ref _dense);

    private int _levels;

    /// <summary>The kernel widths the blocks ran at (a flag per <see cref="Kernels.SimdLevel"/>).</summary>
    public IReadOnlyList<Kernels.SimdLevel> Levels => Kernels.SimdLevels.All.Where(l => (Volatile.Read(ref _levels) & (1 << (int)l)) != 0).ToList();

    public void Ran(Kernels.SimdLevel level) => Interlocked.Or(ref _levels, 1 << (int)level);

    public void Record(IReadOnlyCollection<(DatasetPartition Partition, int Block)> all, IReadOnlyCollection<(DatasetPartition Partition, int Block)> scanned)
    {
        var read = scanned.Select(w => w.Partition).ToHashSet();
        Blocks = all.Count;
        Scanned = scanned.Count;
        ZoneSkipped = all.Count(w => read.Contains(w.Partition)) - scanned.Count;
    }
}
