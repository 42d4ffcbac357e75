using Apache.Arrow;

namespace Claims.Engine.Privacy;

/// <summary>
/// A result that passed disclosure control: the record batch with every suppressed cell NULL, which cells those
/// are (so a suppressed cell can be shown apart from a real NULL or zero), and the rules applied, in words.
/// A public dataset's result has neither suppressed cells nor rules.
/// </summary>
public sealed class DisclosedResult(RecordBatch batch, IReadOnlyList<SuppressedCell> suppressed, IReadOnlyList<string> rules)
{
    private readonly Dictionary<(int, string), CellSuppression> _cells = suppressed.ToDictionary(c => (c.Row, c.Column), c => c.Rule);

    public RecordBatch Batch { get; } = batch;
    public IReadOnlyList<SuppressedCell> Suppressed { get; } = suppressed;
    public IReadOnlyList<string> Rules { get; } = rules;

    public CellSuppression Suppression(int row, string column) => _cells.GetValueOrDefault((row, column));
}
