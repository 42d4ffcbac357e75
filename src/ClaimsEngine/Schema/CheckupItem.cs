namespace Claims.Engine.Schema;

/// <summary>A 特定健診 measurement or questionnaire item from data-schemas/checkup-items.json.</summary>
public sealed record CheckupItem(string Column, string Ja, string En, string? Unit, string Type, bool IsQuestion);
