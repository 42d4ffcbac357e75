namespace Claims.Engine.Privacy;

/// <summary>A released cell left blank: its row in the result and its column.</summary>
public sealed record SuppressedCell(int Row, string Column);
