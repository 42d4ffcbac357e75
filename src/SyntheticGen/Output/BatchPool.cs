using System.Collections.Concurrent;
using Claims.Engine.Schema;
using Claims.Engine.Storage;

namespace Claims.SyntheticGen.Output;

/// <summary>Reuses row batches between chunks so a billion-row run allocates them once.</summary>
public sealed class BatchPool(int capacity)
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<RowBatch>> _free = new();

    public RowBatch Rent(TableSchema table) =>
        _free.GetOrAdd(table.Name, _ => []).TryTake(out var batch) ? batch : new RowBatch(table, capacity);

    public void Return(RowBatch batch)
    {
        batch.Clear();
        _free.GetOrAdd(batch.Table.Name, _ => []).Add(batch);
    }
}
