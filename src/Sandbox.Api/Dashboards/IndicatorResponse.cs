using System.Globalization;
using Claims.Engine.Indicators;
using Claims.Engine.Schema;
using nietras.SeparatedValues;

namespace Claims.Sandbox.Dashboards;

/// <summary>An indicator as the catalogue lists it, its names in the language asked.</summary>
public sealed record IndicatorInfo(string Id, string Title, string Description, string Source, string Unit, double? Target, bool Standardised,
    IReadOnlyList<string> Breakdown, IReadOnlyList<string> Filters)
{
    public static IndicatorInfo Of(Indicator i, bool english) => new(i.Id, english ? i.Title.En : i.Title.Ja, english ? i.Description.En : i.Description.Ja,
        i.Source, english ? i.Unit.En : i.Unit.Ja, i.Target, i.AgeGroups is not null, [.. i.Breakdown.Select(k => k.Name)], ["months", "prefecture", .. i.Filters]);
}

/// <summary>
/// One figure of a view: the prefecture (null for the nation) and its categories, one per breakdown key, with their
/// names, the figure, its numerator, denominator and patients, whether disclosure control hid it, and where
/// standardised the adjusted figure and the regional difference index.
/// </summary>
public sealed record IndicatorFigure(int? Prefecture, string PrefectureName, IReadOnlyList<int> Categories, IReadOnlyList<string> CategoryNames,
    double? Value, double? Numerator,
    double? Denominator, long? Patients, bool Suppressed, double? Adjusted, double? Index);

/// <summary>
/// A view of an indicator: what was asked, over how many months, its figures and the rules that released them, and
/// why its per-person figures are withheld, where they are (a restricted dataset whose population is its roster).
/// </summary>
public sealed record IndicatorResponse(IndicatorInfo Indicator, string Dataset, IndicatorFilter Filter, int Months, IReadOnlyList<IndicatorFigure> Rows,
    IReadOnlyList<string> Rules, string? Withheld)
{
    public static IndicatorResponse Of(IndicatorTable view, string dataset, ClaimsSchema schema, bool english)
    {
        var prefectures = schema.Enum("prefecture");
        var table = schema.Table(view.Indicator.Numerator.From);
        var keys = view.Indicator.Breakdown;
        var rows = view.Rows.Select(r => new IndicatorFigure(r.Prefecture,
            r.Prefecture is { } p ? english ? prefectures[p].En : prefectures[p].Ja : english ? "Japan" : "全国",
            r.Categories, [.. r.Categories.Select((c, k) => keys[k].Label(schema, table, c, english))],
            Round(r.Value), Round(r.Numerator), Round(r.Denominator), r.Patients, r.Suppressed, Round(r.Adjusted), Round(r.Index, 4))).ToArray();
        return new IndicatorResponse(IndicatorInfo.Of(view.Indicator, english), dataset, view.Filter, view.Months, rows, view.Rules, view.Withheld);
    }

    /// <summary>
    /// The figures as CSV, one line each, a column pair (code, name) per breakdown key; a suppressed figure is <c>x</c>,
    /// never an empty cell a reader could take for 0.
    /// </summary>
    public string Csv()
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var writer = Sep.New(',').Writer(o => o with { Escape = true }).To(text))
        {
            foreach (var figure in Rows)
            {
                using var row = writer.NewRow();
                string Cell(double? value) => figure.Suppressed ? "x" : value?.ToString("R", CultureInfo.InvariantCulture) ?? "";
                row["prefecture"].Set(figure.Prefecture?.ToString(CultureInfo.InvariantCulture) ?? "");
                row["prefecture_name"].Set(figure.PrefectureName);
                for (var k = 0; k < Indicator.Breakdown.Count; k++)
                {
                    row[Indicator.Breakdown[k]].Set(figure.Categories[k].ToString(CultureInfo.InvariantCulture));
                    row[Indicator.Breakdown[k] + "_name"].Set(figure.CategoryNames[k]);
                }
                row["value"].Set(Cell(figure.Value));
                row["numerator"].Set(Cell(figure.Numerator));
                row["denominator"].Set(figure.Denominator?.ToString("R", CultureInfo.InvariantCulture) ?? "");
                row["patients"].Set(figure.Suppressed ? "x" : figure.Patients?.ToString(CultureInfo.InvariantCulture) ?? "");
                row["adjusted"].Set(Cell(figure.Adjusted));
                row["index"].Set(Cell(figure.Index));
            }
        }
        return text.ToString();
    }

    private static double? Round(double? value, int digits = 2) => value is { } v ? Math.Round(v, digits) : null;
}
