namespace Claims.Engine.Privacy;

/// <summary>
/// A released cell left blank: its row in the result and its column. Which rule hid it stays inside: telling a
/// below-threshold cell from one hidden to protect it would narrow each to a range an attacker could solve.
/// </summary>
public sealed record SuppressedCell(int Row, string Column)
{
    internal CellSuppression Rule { get; init; }
}
