namespace Claims.Engine.Privacy;

/// <summary>Why a cell is not released: below the threshold itself, or hidden so that a small cell cannot be worked out from the margins.</summary>
internal enum CellSuppression
{
    None,
    Primary,
    Complementary,
}
