using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Claims.Engine.Query;
using Claims.Engine.Schema;

namespace Claims.Engine.Indicators;

/// <summary>
/// The indicators of data-schemas/indicators.json, read once per schema. Each numerator and denominator is checked
/// as an engine query on first read (its table, column and predicate), so a wrong definition fails when the
/// catalogue is loaded, naming the indicator, not when a dashboard is first drawn.
/// </summary>
public sealed class IndicatorCatalog
{
    private static readonly ConditionalWeakTable<ClaimsSchema, IndicatorCatalog> s_loaded = new();

    private readonly Dictionary<string, Indicator> _byId;

    private IndicatorCatalog(string source, IReadOnlyList<Indicator> indicators)
    {
        Source = source;
        Indicators = indicators;
        _byId = indicators.ToDictionary(i => i.Id, StringComparer.Ordinal);
    }

    public string Source { get; }

    public IReadOnlyList<Indicator> Indicators { get; }

    public static IndicatorCatalog Of(ClaimsSchema schema) => s_loaded.GetValue(schema, Load);

    public Indicator this[string id] => _byId.TryGetValue(id, out var indicator)
        ? indicator
        : throw new IndicatorException($"no indicator '{id}': the indicators are {string.Join(", ", _byId.Keys)}");

    private static IndicatorCatalog Load(ClaimsSchema schema)
    {
        using var document = JsonDocument.Parse(schema.Files.ReadAllBytes("indicators.json"));
        var root = document.RootElement;
        var indicators = root.GetProperty("indicators").EnumerateArray().Select(i => Read(i, schema)).ToArray();
        return new IndicatorCatalog(root.GetProperty("source").GetString()!, indicators);
    }

    private static Indicator Read(JsonElement e, ClaimsSchema schema)
    {
        var id = e.GetProperty("id").GetString()!;
        var denominator = e.GetProperty("denominator");
        var population = denominator.TryGetProperty("population", out var p) ? Population(p) : null;
        var indicator = new Indicator(
            id,
            Text.Read(e.GetProperty("title")),
            Text.Read(e.GetProperty("description")),
            e.GetProperty("source").GetString()!,
            Text.Read(e.GetProperty("unit")),
            Measure(e.GetProperty("numerator"), schema),
            population,
            population is null ? Measure(denominator.GetProperty("measure"), schema) : null,
            e.GetProperty("scale").GetDouble(),
            e.TryGetProperty("standardise", out var s) ? [.. s.GetProperty("ageGroups").EnumerateArray().Select(g => g.GetInt32())] : null,
            e.TryGetProperty("breakdown", out var b) ? [.. b.EnumerateArray().Select(k => new BreakdownKey(k.GetString()!))] : [],
            e.TryGetProperty("target", out var t) ? t.GetDouble() : null,
            [.. e.GetProperty("filters").EnumerateArray().Select(f => f.GetString()!)],
            e.TryGetProperty("washoutMonths", out var w) ? w.GetInt32() : 0);
        Check(indicator, schema);
        return indicator;
    }

    private static IndicatorMeasure Measure(JsonElement m, ClaimsSchema schema) => new(
        m.GetProperty("from").GetString()!,
        m.TryGetProperty("sum", out _) ? MeasureKind.Sum : m.TryGetProperty("patients", out _) ? MeasureKind.Patients : MeasureKind.Rows,
        m.TryGetProperty("sum", out var sum) ? sum.GetString() : null,
        m.TryGetProperty("where", out var where) ? DrugCodeSets.Expand(JsonNode.Parse(where.GetRawText()), schema) : null);

    private static PopulationDenominator Population(JsonElement p)
    {
        var ages = p.TryGetProperty("ages", out var a) ? a.EnumerateArray().Select(x => x.GetInt32()).ToArray() : [0, IndicatorFilter.OldestAge];
        return new PopulationDenominator(p.GetProperty("per").GetString() == "year", ages[0], ages[1]);
    }

    /// <summary>Every query the indicator will ask, bound once against the schema with no filter.</summary>
    private static void Check(Indicator indicator, ClaimsSchema schema)
    {
        try
        {
            if (indicator.AgeGroups is { } groups && (groups[0] != 0 || groups.Zip(groups.Skip(1)).Any(g => g.First >= g.Second)))
                throw new IndicatorException("the age groups start at 0 and rise");
            // A standardised figure is one per prefecture; broken down, which category's would it be?
            if (indicator.AgeGroups is not null && indicator.Breakdown.Count > 0) throw new IndicatorException("a standardised indicator has no breakdown");
            var measures = new[] { indicator.Numerator, indicator.Denominator }.OfType<IndicatorMeasure>();
            foreach (var measure in measures)
            {
                var table = schema.Table(measure.From);
                foreach (var filter in indicator.Filters.Append("prefecture"))
                    if (IndicatorQueries.Column(schema, table, filter == "age_band" ? "age" : filter) is null)
                        throw new IndicatorException($"filter '{filter}' is not a column of {measure.From} nor of its receipts");
                foreach (var key in indicator.Breakdown)
                    if (key.Problem(schema, table) is { } problem) throw new IndicatorException($"breakdown {key.Name}: {problem}");
                QueryParser.Parse(IndicatorQueries.Measure(measure, schema, IndicatorFilter.None, extraWhere: null,
                    groupBy: [.. indicator.Breakdown.Select(k => k.GroupKey(table))]), schema);
            }
        }
        catch (ClaimsException e)
        {
            throw new SchemaException($"indicators.json: indicator '{indicator.Id}': {e.Message}");
        }
    }
}
