using System.Text.Json.Nodes;
using Claims.Engine.Schema;

namespace Claims.Engine.Indicators;

/// <summary>What a measure takes of its table's rows: a column's sum, the patients, or the rows.</summary>
public enum MeasureKind
{
    Sum,
    Patients,
    Rows,
}

/// <summary>A measure of one table under a predicate (an engine <c>where</c>, kept as JSON to be put into queries).</summary>
public sealed record IndicatorMeasure(string From, MeasureKind Kind, string? Column, JsonNode? Where);

/// <summary>
/// The population as a denominator: person-months over 12 (<see cref="PerYear"/>, a rate per person-year whatever
/// the period) or over the period's months (the persons insured on average), at the ages given.
/// </summary>
public sealed record PopulationDenominator(bool PerYear, int AgeFrom, int AgeTo)
{
    /// <summary>What person-months over <paramref name="months"/> months are divided by.</summary>
    public double Divisor(int months) => PerYear ? 12.0 : Math.Max(months, 1);
}

/// <summary>
/// One dashboard indicator as data-schemas/indicators.json defines it: a numerator over a denominator (the
/// population or a second measure) times <see cref="Scale"/>, by prefecture and nationally; optionally
/// standardised to the national sex and age structure (<see cref="AgeGroups"/>), or broken down by up to two keys
/// (<see cref="Breakdown"/>: guidance levels; claim kinds; age bands × sex, a pyramid; months, a trend). An
/// indicator of new patients counts from <see cref="WashoutMonths"/> into the dataset: before, a first event in the
/// data may be a patient treated before it began.
/// </summary>
public sealed record Indicator(
    string Id,
    Text Title,
    Text Description,
    string Source,
    Text Unit,
    IndicatorMeasure Numerator,
    PopulationDenominator? Population,
    IndicatorMeasure? Denominator,
    double Scale,
    IReadOnlyList<int>? AgeGroups,
    IReadOnlyList<BreakdownKey> Breakdown,
    double? Target,
    IReadOnlyList<string> Filters,
    int WashoutMonths = 0);
