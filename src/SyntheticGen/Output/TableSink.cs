using Claims.Engine.Schema;
using Claims.Engine.Storage;

namespace Claims.SyntheticGen.Output;

/// <summary>
/// Rows of one table and one month for one chunk of persons, as a list of batches. Subclasses keep the current
/// batch's column arrays at hand, so filling a row is array stores, not lookups by name.
/// </summary>
public abstract class TableSink(TableSchema table, BatchPool pool)
{
    private RowBatch? _current;

    public TableSchema Table { get; } = table;
    public List<RowBatch> Batches { get; } = [];
    public long Rows { get; private set; }

    /// <summary>A new row's index in the current batch, starting a new batch when the current one is full.</summary>
    protected int NewRow()
    {
        if (_current is null || _current.Count == _current.Capacity)
        {
            _current = pool.Rent(Table);
            Batches.Add(_current);
            Bind(_current);
        }
        Rows++;
        return _current.Count++;
    }

    protected abstract void Bind(RowBatch batch);
}
