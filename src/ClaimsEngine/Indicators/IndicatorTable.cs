namespace Claims.Engine.Indicators;

/// <summary>
/// One figure of an indicator: a prefecture's (null: the nation's) and, with a breakdown, its categories (one per key).
/// <see cref="Value"/> is the numerator over the denominator times the indicator's scale. <see cref="Suppressed"/>
/// marks a figure disclosure control did not release (its numerator or a measured denominator is <c>x</c>), which
/// is never told apart from a group with nobody in it; a figure with no population to divide by is null without
/// being suppressed. <see cref="Adjusted"/> and <see cref="Index"/> are the directly standardised figure and the
/// regional difference index, where the indicator is standardised, null when a stratum is suppressed.
/// </summary>
public sealed record IndicatorRow(int? Prefecture, IReadOnlyList<int> Categories, double? Value, double? Numerator, double? Denominator, long? Patients, bool Suppressed,
    double? Adjusted = null, double? Index = null);

/// <summary>
/// An indicator's figures for one filter, with the disclosure rules the releases applied (none on public data), and
/// why the per-person figures are withheld where they are (<see cref="IndicatorBuilder.PopulationWithheld"/>).
/// </summary>
public sealed record IndicatorTable(Indicator Indicator, IndicatorFilter Filter, int Months, IReadOnlyList<IndicatorRow> Rows, IReadOnlyList<string> Rules,
    string? Withheld = null);
