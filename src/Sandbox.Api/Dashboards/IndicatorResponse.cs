using System.Globalization;
using Claims.Engine.Indicators;
using Claims.Engine.Schema;
using nietras.SeparatedValues;

namespace Claims.Sandbox.Dashboards;

/// <summary>An indicator as the catalogue lists it, its names in the language asked.</summary>
public sealed record IndicatorInfo(string Id, string Title, string Description, string Source, string Unit, double? Target, bool Standardised,
    string? Breakdown, IReadOnlyList<string> Filters)
{
    public static IndicatorInfo Of(Indicator i, bool english) => new(i.Id, english ? i.Title.En : i.Title.Ja, english ? i.Description.En : i.Description.Ja,
        i.Source, english ? i.Unit.En : i.Unit.Ja, i.Target, i.AgeGroups is not null, i.Breakdown, ["months", "prefecture", .. i.Filters]);
}

/// <summary>
/// One figure of a view: the prefecture (null for the nation) and the breakdown's value with their names, the
/// figure, its numerator, denominator and patients, whether disclosure control hid it, and where standardised the
/// adjusted figure and the regional difference index.
/// </summary>
public sealed record IndicatorFigure(int? Prefecture, string PrefectureName, int? Category, string? CategoryName, double? Value, double? Numerator,
    double? Denominator, long? Patients, bool Suppressed, double? Adjusted, double? Index);

/// <summary>
/// A view of an indicator: what was asked, over how many months, its figures and the rules that released them, and
/// why its per-person figures are withheld, where they are (a restricted dataset whose population is its roster).
/// </summary>
public sealed record IndicatorResponse(IndicatorInfo Indicator, string Dataset, IndicatorFilter Filter, int Months, IReadOnlyList<IndicatorFigure> Rows,
    IReadOnlyList<string> Rules, string? Withheld)
{
    public static IndicatorResponse Of(IndicatorTable table, string dataset, ClaimsSchema schema, bool english)
    {
        var prefectures = schema.Enum("prefecture");
        var categories = table.Indicator.BreakdownValues(schema);
        string Name(EnumSchema values, int code) => english ? values[code].En : values[code].Ja;
        var rows = table.Rows.Select(r => new IndicatorFigure(r.Prefecture, r.Prefecture is { } p ? Name(prefectures, p) : english ? "Japan" : "全国",
            r.Category, r.Category is { } c && categories is not null ? Name(categories, c) : null,
            Round(r.Value), Round(r.Numerator), Round(r.Denominator), r.Patients, r.Suppressed, Round(r.Adjusted), Round(r.Index, 4))).ToArray();
        return new IndicatorResponse(IndicatorInfo.Of(table.Indicator, english), dataset, table.Filter, table.Months, rows, table.Rules, table.Withheld);
    }

    /// <summary>The figures as CSV, one line each; a suppressed figure is <c>x</c>, never an empty cell a reader could take for 0.</summary>
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
                row["category"].Set(figure.Category?.ToString(CultureInfo.InvariantCulture) ?? "");
                row["category_name"].Set(figure.CategoryName ?? "");
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
