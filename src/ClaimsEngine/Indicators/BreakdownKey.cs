using System.Globalization;
using Claims.Engine.Schema;
using Claims.Engine.Storage;

namespace Claims.Engine.Indicators;

/// <summary>
/// A key an indicator is broken down by: a column of enumeration codes (claim_kind, sex, guidance_level),
/// <c>age_band</c> (5-year bands, ages from <see cref="TopBand"/> up in one), <c>month</c> (each table's own month
/// column) or <c>icd10_chapter</c> (of a diagnosis line's icd10, enum:icd10_chapter). Every category is listed whether or not anybody is in it, so a hidden figure is never a missing row.
/// Where the population has the key too (<see cref="SplitsPopulation"/>), each category is over its own persons:
/// spending per man aged 70–74, per person insured in April.
/// </summary>
public sealed record BreakdownKey(string Name)
{
    public const string AgeBand = "age_band";
    public const string Month = "month";
    public const string Icd10Chapter = "icd10_chapter";

    /// <summary>The open top band: 100 holds every age from 100 up, as population pyramids end.</summary>
    public const int TopBand = 100;

    private static readonly string[] s_populationKeys = ["sex", AgeBand, "insurer_kind", Month];

    /// <summary>Whether each category's population is its own (sex, age band, insurer kind, month) rather than everyone's (claim kind).</summary>
    public bool SplitsPopulation => s_populationKeys.Contains(Name);

    /// <summary>The engine's group key for this breakdown on <paramref name="table"/>.</summary>
    public string GroupKey(TableSchema table) => Name == Month ? table.PartitionColumn.Name : Name;

    /// <summary>The group value a released cell is counted under: bands from the top band up are one.</summary>
    public int Category(int value) => Name == AgeBand ? Math.Min(value, TopBand) : value;

    /// <summary>Why the key cannot break down a measure of <paramref name="table"/>, or null when it can.</summary>
    public string? Problem(ClaimsSchema schema, TableSchema table) => Name switch
    {
        AgeBand => table.TryGetColumn("age", out _) ? null : $"{table.Name} has no age column to band",
        Month => null,
        Icd10Chapter => table.TryGetColumn("icd10", out _) ? null : $"{table.Name} has no icd10 column to take chapters of",
        _ when !table.TryGetColumn(Name, out var column) => $"{Name} is not a column of {table.Name}",
        _ when !table.Column(Name).CodeSystem?.StartsWith("enum:", StringComparison.Ordinal) ?? true =>
            $"{Name} is not a column of enumeration codes (nor age_band, nor month)",
        _ => null,
    };

    /// <summary>The categories under <paramref name="filter"/>, in order: the filter's own where it narrows this key.</summary>
    public IReadOnlyList<int> Values(ClaimsSchema schema, TableSchema table, IndicatorFilter filter, MonthRange? months)
    {
        static IReadOnlyList<int> Chosen(IReadOnlyList<int>? chosen, IEnumerable<int> all) =>
            chosen is { Count: > 0 } ? [.. chosen.Order().Distinct()] : [.. all];
        switch (Name)
        {
            case AgeBand:
                return Chosen(filter.AgeBands?.Select(Category).ToArray(), Enumerable.Range(0, TopBand / 5 + 1).Select(b => b * 5));
            case Month:
                if (months is null) return [];
                var from = Math.Max(months.From, filter.From ?? months.From);
                var to = Math.Min(months.To, filter.To ?? months.To);
                var list = new List<int>();
                for (var m = from; m <= to; m = m % 100 == 12 ? m + 89 : m + 1) list.Add(m);
                return list;
            case "sex" when filter.Sex is { } sex:
                return [sex];
            case "insurer_kind":
                return Chosen(filter.InsurerKinds, Codes(schema, table));
            case "claim_kind":
                return Chosen(filter.ClaimKinds, Codes(schema, table));
            default:
                return [.. Codes(schema, table)];
        }
    }

    /// <summary>A category's name: the enumeration's, a band as 70–74 (100+ at the top), a month as 2024-04.</summary>
    public string Label(ClaimsSchema schema, TableSchema table, int value, bool english) => Name switch
    {
        AgeBand => value >= TopBand ? $"{TopBand}+" : $"{value}–{value + 4}",
        Month => string.Create(CultureInfo.InvariantCulture, $"{value / 100}-{value % 100:00}"),
        _ => Enum(schema, table)[value] is var code && english ? code.En : code.Ja,
    };

    private IEnumerable<int> Codes(ClaimsSchema schema, TableSchema table) => Enum(schema, table).Values.Select(v => v.Code);

    private EnumSchema Enum(ClaimsSchema schema, TableSchema table) =>
        schema.Enum(Name == Icd10Chapter ? Icd10Chapter : table.Column(Name).CodeSystem!["enum:".Length..]);
}
