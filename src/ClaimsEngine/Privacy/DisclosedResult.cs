using Apache.Arrow;

namespace Claims.Engine.Privacy;

/// <summary>
/// A result that passed disclosure control: the record batch with every suppressed cell NULL, which cells those
/// are (so a suppressed cell can be shown apart from a real NULL or zero), and the rules applied, in words.
/// A public dataset's result has neither suppressed cells nor rules.
/// </summary>
public sealed class DisclosedResult(RecordBatch batch, IReadOnlyList<SuppressedCell> suppressed, IReadOnlyList<string> rules)
{
    private readonly HashSet<(int, string)> _cells = suppressed.Select(c => (c.Row, c.Column)).ToHashSet();

    public RecordBatch Batch { get; } = batch;
    public IReadOnlyList<SuppressedCell> Suppressed { get; } = suppressed;
    public IReadOnlyList<string> Rules { get; } = rules;

    public bool IsSuppressed(int row, string column) => _cells.Contains((row, column));
}
