using System.Globalization;
using System.Text.Json.Nodes;
using Apache.Arrow;
using Claims.Engine.Privacy;
using Claims.Engine.Query;
using Claims.Engine.Storage;

namespace Claims.Engine.Indicators;

/// <summary>
/// Computes an indicator on a dataset: each numerator (and measured denominator) is a query released by
/// <c>release</c> (disclosure control on restricted data, the exact answer on public data), and every figure is
/// derived from what was released, never from an exact count, so the derived figures disclose nothing the
/// releases do not. The population is read exactly only where it is published (<see cref="PublishedPopulation"/>);
/// a restricted dataset's own roster is never divided by, and its per-person figures are withheld.
/// Standardisation asks one release per age group, grouped by prefecture and sex, rather than 5-year bands summed
/// afterwards: one draw of noise per stratum instead of one per band, and fewer strata under the threshold.
/// </summary>
public static class IndicatorBuilder
{
    private readonly record struct Released(double? Value, long? Patients);

    /// <summary>Released cells by group key; a group not in the answer reads as <paramref name="missing"/>.</summary>
    private sealed class Cells(Released missing)
    {
        private readonly Dictionary<(int, int), Released> _cells = [];

        public Released this[(int, int) key]
        {
            get => _cells.TryGetValue(key, out var cell) ? cell : missing;
            set => _cells[key] = value;
        }
    }

    public static IndicatorTable Build(Dataset dataset, Indicator indicator, IndicatorFilter filter, Func<string, DisclosedResult> release,
        CancellationToken cancellationToken = default)
    {
        var schema = dataset.Schema;
        filter = filter.Checked(indicator, schema);
        // A group missing from a public answer holds nothing; from a restricted one it may be a suppressed group.
        var exact = dataset.Manifest.Access == DatasetAccess.Public;
        var rules = new List<string>();
        var withheld = indicator.Population is not null && !PublishedPopulation(dataset) ? PopulationWithheld : null;
        if (withheld is not null) rules.Add(withheld);
        var months = Months(dataset, filter);
        string[] byPrefecture = indicator.Breakdown is { } breakdown ? ["prefecture", breakdown] : ["prefecture"];
        string[] national = indicator.Breakdown is { } b ? [b] : [];

        Cells Released(IndicatorMeasure measure, string[] groupBy)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = release(IndicatorQueries.Measure(measure, schema, filter, extraWhere: null, groupBy));
            rules.AddRange(result.Rules);
            return Read(result, groupBy, exact);
        }

        var numerator = Released(indicator.Numerator, byPrefecture);
        var numeratorNation = Released(indicator.Numerator, national);
        Func<int, double?> denominator;
        double? denominatorNation;
        if (withheld is not null)
        {
            denominator = _ => null;
            denominatorNation = null;
        }
        else if (indicator.Population is { } population)
        {
            var divisor = population.Divisor(months);
            var persons = Persons(dataset, population, filter, null, ["prefecture"], cancellationToken);
            denominator = p => persons.TryGetValue((p, 0), out var n) && n > 0 ? n / divisor : null;
            var total = persons.Values.Sum();
            denominatorNation = total > 0 ? total / divisor : null;
        }
        else
        {
            var measured = Released(indicator.Denominator!, ["prefecture"]);
            var measuredNation = Released(indicator.Denominator!, []);
            denominator = p => measured[(p, 0)].Value;
            denominatorNation = measuredNation[(0, 0)].Value;
        }

        int?[] categories = indicator.BreakdownValues(schema) is { } values ? [.. values.Values.Select(v => (int?)v.Code)] : [null];
        var prefectures = filter.Prefectures is { Count: > 0 } chosen ? chosen.Order().Distinct().ToArray() : [.. schema.Enum("prefecture").Values.Select(v => v.Code)];
        var standardised = indicator is { AgeGroups: not null, Population: not null } && withheld is null
            ? Standardised(dataset, indicator, filter, months, release, rules, exact, cancellationToken)
            : null;

        var rows = new List<IndicatorRow>();
        foreach (var category in categories)
        {
            var nation = Row(null, category, numeratorNation[(category ?? 0, 0)], denominatorNation, indicator.Population is null, indicator.Scale);
            rows.Add(standardised is null || nation.Suppressed ? nation : nation with { Adjusted = nation.Value, Index = nation.Value is null ? null : 1 });
            foreach (var prefecture in prefectures)
            {
                var key = category is { } c ? (prefecture, c) : (prefecture, 0);
                var row = Row(prefecture, category, numerator[key], denominator(prefecture), indicator.Population is null, indicator.Scale);
                if (!row.Suppressed && standardised is not null && standardised.TryGetValue(prefecture, out var adjusted))
                    row = row with { Adjusted = adjusted, Index = nation.Value is { } n and > 0 ? adjusted / n : null };
                rows.Add(row);
            }
        }
        return new IndicatorTable(indicator, filter, months, rows, [.. rules.Distinct()], withheld);
    }

    /// <summary>Why per-person figures are not shown on a dataset whose population is its own roster.</summary>
    public const string PopulationWithheld =
        "per-person figures withheld: this dataset's population table is its own roster of insured persons, which is as confidential as its claims " +
        "(month by month it gives deaths and moves exactly); numerators and patients are shown, and figures per person need published population " +
        "figures (claims import uke --population FILE)";

    /// <summary>
    /// Whether the population may be divided by: on public data, or where it came from published figures (an
    /// import's <c>--population</c> file). A restricted dataset's own roster is confidential: person-months by
    /// month, sex and band gave one known person's death month exactly (the dashboards' first attack review).
    /// </summary>
    public static bool PublishedPopulation(Dataset dataset) =>
        dataset.Manifest.Access == DatasetAccess.Public || dataset.Manifest.Provenance.Parameters.ContainsKey("population");

    private static IndicatorRow Row(int? prefecture, int? category, Released numerator, double? denominator, bool measuredDenominator, double scale)
    {
        // A measured denominator not released suppresses the figure; a population of nobody leaves it empty.
        var suppressed = numerator.Value is null || (measuredDenominator && denominator is null);
        var value = !suppressed && denominator is > 0 ? numerator.Value / denominator * scale : null;
        return new IndicatorRow(prefecture, category, value, suppressed ? null : numerator.Value, denominator, suppressed ? null : numerator.Patients, suppressed);
    }

    /// <summary>
    /// Each prefecture's figure standardised directly to the nation's sex and age structure under the filter:
    /// Σ over strata of the nation's share of person-time in the stratum times the prefecture's rate in it. A
    /// prefecture with a stratum suppressed, or without anyone in a stratum the nation has, has none.
    /// </summary>
    private static Dictionary<int, double> Standardised(Dataset dataset, Indicator indicator, IndicatorFilter filter, int months,
        Func<string, DisclosedResult> release, List<string> rules, bool exact, CancellationToken cancellationToken)
    {
        var groups = indicator.AgeGroups!;
        var population = indicator.Population!;
        var divisor = population.Divisor(months);
        var strata = new List<(Cells Numerator, Dictionary<(int, int), double> Persons)>();
        for (var g = 0; g < groups.Count; g++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ages = IndicatorQueries.Ages(groups[g], g + 1 < groups.Count ? groups[g + 1] - 1 : IndicatorFilter.OldestAge);
            var result = release(IndicatorQueries.Measure(indicator.Numerator, dataset.Schema, filter, ages, ["prefecture", "sex"]));
            rules.AddRange(result.Rules);
            strata.Add((Read(result, ["prefecture", "sex"], exact), Persons(dataset, population, filter, ages, ["prefecture", "sex"], cancellationToken)));
        }
        var nation = strata.SelectMany((s, g) => s.Persons.GroupBy(p => p.Key.Item2).Select(x => (Group: g, Sex: x.Key, Persons: x.Sum(p => p.Value))))
            .Where(s => s.Persons > 0).ToArray();
        var total = nation.Sum(s => s.Persons);
        var adjusted = new Dictionary<int, double>();
        foreach (var prefecture in strata.SelectMany(s => s.Persons.Keys.Select(k => k.Item1)).Distinct())
        {
            double sum = 0;
            var complete = true;
            foreach (var (group, sex, persons) in nation)
            {
                var (numerator, people) = strata[group];
                if (numerator[(prefecture, sex)].Value is not { } value
                    || people.GetValueOrDefault((prefecture, sex)) is not (> 0 and var n))
                {
                    complete = false;
                    break;
                }
                sum += persons / total * (value / (n / divisor) * indicator.Scale);
            }
            if (complete) adjusted[prefecture] = sum;
        }
        return adjusted;
    }

    /// <summary>Person-months of the population under the filter, by up to two integer keys (0 where there is no second).</summary>
    private static Dictionary<(int, int), double> Persons(Dataset dataset, PopulationDenominator population, IndicatorFilter filter, JsonNode? ages,
        string[] groupBy, CancellationToken cancellationToken)
    {
        var batch = dataset.Execute(IndicatorQueries.Population(population, dataset.Schema, filter, ages, groupBy), cancellationToken);
        var persons = new Dictionary<(int, int), double>();
        var value = batch.Schema.GetFieldIndex("value");
        for (var r = 0; r < batch.Length; r++)
            if (ArrowValues.Value(batch.Column(value), r) is { } n)
                persons[Key(batch, groupBy, r)] = Convert.ToDouble(n, CultureInfo.InvariantCulture);
        return persons;
    }

    /// <summary>
    /// A released result by its (up to two) integer group keys; a suppressed or null cell is a null value, and so is
    /// a group not in the answer, unless the answer is <paramref name="exact"/>, where it holds nothing: 0 (as does
    /// the null sum of no rows).
    /// </summary>
    private static Cells Read(DisclosedResult result, string[] groupBy, bool exact)
    {
        var batch = result.Batch;
        var value = batch.Schema.GetFieldIndex("value");
        var patients = batch.Schema.GetFieldIndex("patients");
        var cells = new Cells(exact ? new Released(0, 0) : default);
        for (var r = 0; r < batch.Length; r++)
        {
            var figure = result.IsSuppressed(r, "value") ? null : ArrowValues.Value(batch.Column(value), r) ?? (exact ? 0L : null);
            var who = patients < 0 ? figure : result.IsSuppressed(r, "patients") ? null : ArrowValues.Value(batch.Column(patients), r);
            cells[Key(batch, groupBy, r)] = new Released(figure is null ? null : Convert.ToDouble(figure, CultureInfo.InvariantCulture),
                who is null ? null : Convert.ToInt64(who, CultureInfo.InvariantCulture));
        }
        return cells;
    }

    private static (int, int) Key(RecordBatch batch, string[] groupBy, int row)
    {
        int Of(int k) => ArrowValues.Value(batch.Column(batch.Schema.GetFieldIndex(groupBy[k])), row) is long v ? (int)v : -1;
        return groupBy.Length switch { 0 => (0, 0), 1 => (Of(0), 0), _ => (Of(0), Of(1)) };
    }

    /// <summary>The months of the dataset the filter takes: the divisor of a per-month average.</summary>
    private static int Months(Dataset dataset, IndicatorFilter filter)
    {
        if (dataset.Months is not { } range) return 0;
        var from = Math.Max(range.From, filter.From ?? range.From);
        var to = Math.Min(range.To, filter.To ?? range.To);
        return from > to ? 0 : (to / 100 - from / 100) * 12 + to % 100 - from % 100 + 1;
    }
}
