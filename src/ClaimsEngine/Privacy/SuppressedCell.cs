namespace Claims.Engine.Privacy;

/// <summary>A released cell left blank: its row in the result, its column, and which rule hid it.</summary>
public sealed record SuppressedCell(int Row, string Column, CellSuppression Rule);
