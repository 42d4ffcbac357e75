using System.Globalization;
using Claims.Engine.Schema;

namespace Claims.Engine.Indicators;

/// <summary>
/// What a dashboard is narrowed to: a month range (YYYYMM, inclusive), prefectures, one sex, 5-year age bands
/// (their lower bounds, as <c>age_band</c> groups them), insurer kinds and claim kinds. Empty lists and nulls take
/// everything. The prefectures only pick the rows shown (<see cref="IndicatorQueries"/>); the population
/// denominator takes the other filters, except claim kinds (persons have no claim kind).
/// </summary>
public sealed record IndicatorFilter(
    int? From = null,
    int? To = null,
    IReadOnlyList<int>? Prefectures = null,
    int? Sex = null,
    IReadOnlyList<int>? AgeBands = null,
    IReadOnlyList<int>? InsurerKinds = null,
    IReadOnlyList<int>? ClaimKinds = null)
{
    /// <summary>The oldest age the bands and the open-ended age group reach.</summary>
    public const int OldestAge = 150;

    public static readonly IndicatorFilter None = new();

    /// <summary>The filter as one line of text, the same for equal filters (a cache key, an audit subject).</summary>
    public string Key => string.Join(';',
        $"months={From}-{To}", $"prefecture={List(Prefectures)}", $"sex={Sex}", $"age_band={List(AgeBands)}",
        $"insurer_kind={List(InsurerKinds)}", $"claim_kind={List(ClaimKinds)}");

    /// <summary>The filter checked against the schema and the indicator: each code a value of its enumeration, each filter one the indicator takes.</summary>
    public IndicatorFilter Checked(Indicator indicator, ClaimsSchema schema)
    {
        if (From is { } from && !IsMonth(from)) throw new IndicatorException($"from {from} is not a month YYYYMM");
        if (To is { } to && !IsMonth(to)) throw new IndicatorException($"to {to} is not a month YYYYMM");
        if (From > To) throw new IndicatorException($"the months run from {From} to {To}: from is after to");
        Codes("prefecture", Prefectures, schema);
        if (Sex is { } sex) Codes("sex", [sex], schema);
        Codes("insurer_kind", InsurerKinds, schema);
        Codes("claim_kind", ClaimKinds, schema);
        foreach (var band in AgeBands ?? [])
            if (band < 0 || band > OldestAge || band % 5 != 0)
                throw new IndicatorException($"age band {band} is not a 5-year band's lower bound (0, 5, 10 … {OldestAge})");
        string?[] asked = [Sex is null ? null : "sex", AgeBands is { Count: > 0 } ? "age_band" : null,
            InsurerKinds is { Count: > 0 } ? "insurer_kind" : null, ClaimKinds is { Count: > 0 } ? "claim_kind" : null];
        foreach (var filter in asked.OfType<string>())
            if (!indicator.Filters.Contains(filter))
                throw new IndicatorException($"indicator '{indicator.Id}' takes no {filter} filter: it takes months, prefecture{string.Concat(indicator.Filters.Select(f => ", " + f))}");
        return this;
    }

    private static void Codes(string name, IReadOnlyList<int>? codes, ClaimsSchema schema)
    {
        var values = schema.Enum(name);
        foreach (var code in codes ?? [])
            if (!values.Contains(code))
                throw new IndicatorException($"{name} {code} is not a code of enum:{name} ({values.Values.Min(v => v.Code)}–{values.Values.Max(v => v.Code)})");
    }

    private static bool IsMonth(int month) => month / 100 is >= 1900 and <= 2999 && month % 100 is >= 1 and <= 12;

    private static string List(IReadOnlyList<int>? values) =>
        values is null ? "" : string.Join(',', values.Order().Distinct().Select(v => v.ToString(CultureInfo.InvariantCulture)));
}
