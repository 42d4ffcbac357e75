using System.Globalization;
using System.Text.Json.Nodes;
using Apache.Arrow;
using Claims.Engine.Privacy;
using Claims.Engine.Query;
using Claims.Engine.Schema;
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

    /// <summary>A cell: the prefecture (0 for the nation) and up to two categories (0 where there is none).</summary>
    private readonly record struct CellKey(int Prefecture, int First, int Second);

    /// <summary>Released cells by key; a cell not in the answer reads as <paramref name="missing"/>.</summary>
    private sealed class Cells(Released missing)
    {
        private readonly Dictionary<CellKey, Released> _cells = [];

        public Released this[CellKey key] => _cells.TryGetValue(key, out var cell) ? cell : missing;

        /// <summary>
        /// Adds a released group to its cell: groups that fall into one (the bands from the top band up) add up, and
        /// the sum of a hidden figure with any other is hidden.
        /// </summary>
        public void Add(CellKey key, Released released) =>
            _cells[key] = _cells.TryGetValue(key, out var cell)
                ? new Released(cell.Value + released.Value, cell.Patients + released.Patients)
                : released;

        /// <summary>Hides a cell: a sum one of whose parts was not shown.</summary>
        public void Hide(CellKey key) => _cells[key] = default;
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
        if (Washout(dataset, indicator, filter) is { } washout)
        {
            filter = washout;
            rules.Add($"new patients counted from {washout.From / 100}-{washout.From % 100:00}: in the dataset's first {indicator.WashoutMonths} months a first event may be a patient treated before the data began");
        }
        var months = Months(dataset, filter);
        var breakdown = indicator.Breakdown;

        var (asked, lists) = exact ? (filter, []) : Unions(filter);
        // A list of the breakdown's own key picks categories of cells released anyway.
        ListUnion[] unions = [.. lists.Where(u => breakdown.All(k => k.Name != u.Key))];
        Cells Released(IndicatorMeasure measure, bool byPrefecture, IReadOnlyList<BreakdownKey> keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var table = schema.Table(measure.From);
            var result = release(IndicatorQueries.Measure(measure, schema, asked, extraWhere: null, GroupBy(schema, table, byPrefecture, keys, unions)));
            rules.AddRange(result.Rules);
            return Read(result, schema, table, byPrefecture, keys, unions, exact);
        }

        var numerator = Released(indicator.Numerator, true, breakdown);
        var numeratorNation = Released(indicator.Numerator, false, breakdown);
        // Each category is over its own base where the key is one of the population's (a sex, a band, a month: that
        // month's persons, or drugs); a category of what is counted (a guidance level, a claim kind) is a part of the whole.
        var split = breakdown.Select((k, i) => (Key: k, Position: i)).Where(k => k.Key.SplitsPopulation).Select(k => k.Position).ToArray();
        BreakdownKey[] splitKeys = [.. split.Select(i => breakdown[i])];
        CellKey Base(CellKey cell)
        {
            int[] categories = [cell.First, cell.Second];
            return new CellKey(cell.Prefecture, split.Length > 0 ? categories[split[0]] : 0, split.Length > 1 ? categories[split[1]] : 0);
        }
        Func<CellKey, double?> denominator;
        if (withheld is not null) denominator = _ => null;
        else if (indicator.Population is { } population)
        {
            var divisor = population.Divisor(breakdown.Any(k => k.Name == BreakdownKey.Month) ? 1 : months);
            var persons = Persons(dataset, population, filter, null, splitKeys, cancellationToken);
            denominator = cell =>
            {
                var key = Base(cell);
                var n = cell.Prefecture == 0
                    ? persons.Where(p => p.Key with { Prefecture = 0 } == key).Sum(p => p.Value)
                    : persons.GetValueOrDefault(key);
                return n > 0 ? n / divisor : null;
            };
        }
        else
        {
            var measured = Released(indicator.Denominator!, true, splitKeys);
            var measuredNation = Released(indicator.Denominator!, false, splitKeys);
            denominator = cell => (cell.Prefecture == 0 ? measuredNation : measured)[Base(cell)].Value;
        }

        var prefectures = filter.Prefectures is { Count: > 0 } chosen ? chosen.Order().Distinct().ToArray() : [.. schema.Enum("prefecture").Values.Select(v => v.Code)];
        var standardised = indicator is { AgeGroups: not null, Population: not null } && withheld is null
            ? Standardised(dataset, indicator, filter, (asked, unions), months, release, rules, exact, cancellationToken)
            : null;

        var rows = new List<IndicatorRow>();
        foreach (var categories in Categories(schema, indicator, filter, dataset.Months))
        {
            var cell = new CellKey(0, categories.ElementAtOrDefault(0), categories.ElementAtOrDefault(1));
            var nation = Row(null, categories, numeratorNation[cell], denominator(cell), indicator.Population is null, indicator.Scale);
            rows.Add(standardised is null || nation.Suppressed ? nation : nation with { Adjusted = nation.Value, Index = nation.Value is null ? null : 1 });
            foreach (var prefecture in prefectures)
            {
                var key = cell with { Prefecture = prefecture };
                var row = Row(prefecture, categories, numerator[key], denominator(key), indicator.Population is null, indicator.Scale);
                if (!row.Suppressed && standardised is not null && standardised.TryGetValue(prefecture, out var adjusted))
                    row = row with { Adjusted = adjusted, Index = nation.Value is { } n and > 0 ? adjusted / n : null };
                rows.Add(row);
            }
        }
        return new IndicatorTable(indicator, filter, months, rows, [.. rules.Distinct()], withheld);
    }

    /// <summary>Every combination of the breakdown's categories under the filter, the first key's slowest; one empty one without a breakdown.</summary>
    private static IEnumerable<int[]> Categories(ClaimsSchema schema, Indicator indicator, IndicatorFilter filter, MonthRange? months)
    {
        var table = schema.Table(indicator.Numerator.From);
        IEnumerable<int[]> combinations = [[]];
        foreach (var key in indicator.Breakdown)
        {
            var values = key.Values(schema, table, filter, months);
            combinations = combinations.SelectMany(c => values.Select(v => (int[])[.. c, v]));
        }
        return combinations;
    }

    /// <summary>
    /// A list filter (age bands, insurer kinds, claim kinds) on restricted data: a group key whose released cells of
    /// the values chosen are added up, rather than a predicate. As a predicate each list made a fresh cell with fresh
    /// noise, and a policymaker who asked two hundred random sets of bands and solved them together pinned 71 % of
    /// the hidden prefecture × band counts of 1–9 (attack review 35); added up, every set is arithmetic on the same
    /// released cells. A sum is shown only where every value chosen has a cell shown: one disclosure control hid
    /// looks like one nobody is in, and left out, the sum fell short by it. A patient in two of the values chosen (a
    /// birthday) is counted in each.
    /// </summary>
    private sealed record ListUnion(string Key, IReadOnlySet<int> Chosen)
    {
        /// <summary>How a query of <paramref name="table"/> groups by the key: its own column, or its receipt's.</summary>
        public string? Column(ClaimsSchema schema, TableSchema table) => Key == BreakdownKey.AgeBand
            ? IndicatorQueries.Column(schema, table, "age") is { } age ? age[..^"age".Length] + BreakdownKey.AgeBand : null
            : IndicatorQueries.Column(schema, table, Key);
    }

    /// <summary>The filter without its lists, and the lists as unions of released cells.</summary>
    private static (IndicatorFilter Asked, ListUnion[] Unions) Unions(IndicatorFilter filter)
    {
        var unions = new List<ListUnion>();
        if (filter.AgeBands is { Count: > 0 } bands) unions.Add(new(BreakdownKey.AgeBand, bands.ToHashSet()));
        if (filter.InsurerKinds is { Count: > 0 } insurers) unions.Add(new("insurer_kind", insurers.ToHashSet()));
        if (filter.ClaimKinds is { Count: > 0 } claims) unions.Add(new("claim_kind", claims.ToHashSet()));
        return (filter with { AgeBands = null, InsurerKinds = null, ClaimKinds = null }, [.. unions]);
    }

    /// <summary>The group keys: the prefecture (a line's receipt's, on a line table), the breakdown's, and the unions' the table has.</summary>
    private static string[] GroupBy(ClaimsSchema schema, TableSchema table, bool byPrefecture, IReadOnlyList<BreakdownKey> keys, IReadOnlyList<ListUnion>? unions = null) =>
        [.. byPrefecture ? [IndicatorQueries.Column(schema, table, "prefecture")!] : System.Array.Empty<string>(), .. keys.Select(k => k.GroupKey(table)),
            .. (unions ?? []).Select(u => u.Column(schema, table)).OfType<string>()];

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

    private static IndicatorRow Row(int? prefecture, IReadOnlyList<int> categories, Released numerator, double? denominator, bool measuredDenominator, double scale)
    {
        // A measured denominator not released suppresses the figure; a population of nobody leaves it empty.
        var suppressed = numerator.Value is null || (measuredDenominator && denominator is null);
        var value = !suppressed && denominator is > 0 ? numerator.Value / denominator * scale : null;
        return new IndicatorRow(prefecture, categories, value, suppressed ? null : numerator.Value, denominator, suppressed ? null : numerator.Patients, suppressed);
    }

    /// <summary>
    /// Each prefecture's figure standardised directly to the nation's sex and age structure under the filter:
    /// Σ over strata of the nation's share of person-time in the stratum times the prefecture's rate in it. A
    /// prefecture with a stratum suppressed, or without anyone in a stratum the nation has, has none.
    /// </summary>
    private static Dictionary<int, double> Standardised(Dataset dataset, Indicator indicator, IndicatorFilter filter,
        (IndicatorFilter Asked, ListUnion[] Unions) released, int months,
        Func<string, DisclosedResult> release, List<string> rules, bool exact, CancellationToken cancellationToken)
    {
        var groups = indicator.AgeGroups!;
        var population = indicator.Population!;
        var divisor = population.Divisor(months);
        var strata = new List<(Cells Numerator, Dictionary<CellKey, double> Persons)>();
        var numeratorTable = dataset.Schema.Table(indicator.Numerator.From);
        BreakdownKey[] sex = [new("sex")];
        for (var g = 0; g < groups.Count; g++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ages = IndicatorQueries.Ages(groups[g], g + 1 < groups.Count ? groups[g + 1] - 1 : IndicatorFilter.OldestAge);
            var result = release(IndicatorQueries.Measure(indicator.Numerator, dataset.Schema, released.Asked, ages,
                GroupBy(dataset.Schema, numeratorTable, true, sex, released.Unions)));
            rules.AddRange(result.Rules);
            strata.Add((Read(result, dataset.Schema, numeratorTable, true, sex, released.Unions, exact), Persons(dataset, population, filter, ages, sex, cancellationToken)));
        }
        var nation = strata.SelectMany((s, g) => s.Persons.GroupBy(p => p.Key.First).Select(x => (Group: g, Sex: x.Key, Persons: x.Sum(p => p.Value))))
            .Where(s => s.Persons > 0).ToArray();
        var total = nation.Sum(s => s.Persons);
        var adjusted = new Dictionary<int, double>();
        foreach (var prefecture in strata.SelectMany(s => s.Persons.Keys.Select(k => k.Prefecture)).Distinct())
        {
            double sum = 0;
            var complete = true;
            foreach (var (group, stratum, persons) in nation)
            {
                var (numerator, people) = strata[group];
                var cell = new CellKey(prefecture, stratum, 0);
                if (numerator[cell].Value is not { } value || people.GetValueOrDefault(cell) is not (> 0 and var n))
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

    /// <summary>Person-months of the population under the filter by prefecture and <paramref name="keys"/>' categories.</summary>
    private static Dictionary<CellKey, double> Persons(Dataset dataset, PopulationDenominator population, IndicatorFilter filter, JsonNode? ages,
        IReadOnlyList<BreakdownKey> keys, CancellationToken cancellationToken)
    {
        var table = dataset.Schema.Table("population");
        var groupBy = GroupBy(dataset.Schema, table, true, keys);
        var batch = dataset.Execute(IndicatorQueries.Population(population, dataset.Schema, filter, ages, groupBy), cancellationToken);
        var persons = new Dictionary<CellKey, double>();
        var value = batch.Schema.GetFieldIndex("value");
        for (var r = 0; r < batch.Length; r++)
            if (ArrowValues.Value(batch.Column(value), r) is { } n)
            {
                var key = Key(batch, dataset.Schema, table, true, keys, r);
                persons[key] = persons.GetValueOrDefault(key) + Convert.ToDouble(n, CultureInfo.InvariantCulture);
            }
        return persons;
    }

    /// <summary>
    /// A released result by cell; a suppressed or null cell is a null value, and so is a group not in the answer,
    /// unless the answer is <paramref name="exact"/>, where it holds nothing: 0 (as does the null sum of no rows).
    /// </summary>
    private static Cells Read(DisclosedResult result, ClaimsSchema schema, TableSchema table, bool byPrefecture, IReadOnlyList<BreakdownKey> keys,
        IReadOnlyList<ListUnion> unions, bool exact)
    {
        var batch = result.Batch;
        var value = batch.Schema.GetFieldIndex("value");
        var patients = batch.Schema.GetFieldIndex("patients");
        var cells = new Cells(exact ? new Released(0, 0) : default);
        var chosen = unions.Select(u => (u.Column(schema, table), u.Chosen)).Where(u => u.Item1 is not null)
            .Select(u => (Field: batch.Schema.GetFieldIndex(u.Item1), u.Chosen)).ToArray();
        var parts = new Dictionary<CellKey, HashSet<(long, long, long)>>();
        for (var r = 0; r < batch.Length; r++)
        {
            long Part(int u) => u < chosen.Length && ArrowValues.Value(batch.Column(chosen[u].Field), r) is long v ? v : -1;
            if (chosen.Any(u => ArrowValues.Value(batch.Column(u.Field), r) is not long v || !u.Chosen.Contains((int)v))) continue;
            var key = Key(batch, schema, table, byPrefecture, keys, r);
            (parts.TryGetValue(key, out var seen) ? seen : parts[key] = []).Add((Part(0), Part(1), Part(2)));
            var figure = result.IsSuppressed(r, "value") ? null : ArrowValues.Value(batch.Column(value), r) ?? (exact ? 0L : null);
            var who = patients < 0 ? figure : result.IsSuppressed(r, "patients") ? null : ArrowValues.Value(batch.Column(patients), r);
            cells.Add(key, new Released(figure is null ? null : Convert.ToDouble(figure, CultureInfo.InvariantCulture),
                who is null ? null : Convert.ToInt64(who, CultureInfo.InvariantCulture)));
        }
        // Each cell of a sum has one part a combination of the values chosen; one missing was hidden, or holds nobody.
        var whole = chosen.Aggregate(1, (n, u) => n * u.Chosen.Count);
        foreach (var key in parts.Where(p => p.Value.Count < whole).Select(p => p.Key)) cells.Hide(key);
        return cells;
    }

    private static CellKey Key(RecordBatch batch, ClaimsSchema schema, TableSchema table, bool byPrefecture, IReadOnlyList<BreakdownKey> keys, int row)
    {
        int Of(string column) => ArrowValues.Value(batch.Column(batch.Schema.GetFieldIndex(column)), row) is long v ? (int)v : -1;
        int Category(int k) => k < keys.Count ? keys[k].Category(Of(keys[k].GroupKey(table))) : 0;
        return new CellKey(byPrefecture ? Of(IndicatorQueries.Column(schema, table, "prefecture")!) : 0, Category(0), Category(1));
    }

    /// <summary>The filter starting after the indicator's washout, where it started earlier; null where it needs no change.</summary>
    private static IndicatorFilter? Washout(Dataset dataset, Indicator indicator, IndicatorFilter filter)
    {
        if (indicator.WashoutMonths == 0 || dataset.Months is not { } range) return null;
        var first = MonthKey.FromAbsolute(MonthKey.ToAbsolute(range.From) + indicator.WashoutMonths);
        return (filter.From ?? range.From) < first ? filter with { From = first } : null;
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
