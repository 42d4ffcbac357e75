using Claims.Engine.Indicators;
using Claims.Engine.Privacy;
using Claims.Engine.Query;
using Claims.Engine.Tests.Query;

namespace Claims.Engine.Tests.Indicators;

/// <summary>
/// The indicators on public data against DuckDB over the Parquet export, on the fixture whose months span several
/// blocks: each prefecture's and the nation's figure, the standardised figure and the index, under filters of
/// every kind. The oracle's SQL reads the tables itself; only the arithmetic of a ratio is written twice.
/// </summary>
[Collection(SmallBlockData.Name)]
public sealed class IndicatorOracleTests(SmallBlockFixture data)
{
    private static readonly int[] Groups = [0, 15, 45, 65, 75];

    public static TheoryData<string, string> Filters => new()
    {
        { "everything", "" },
        { "a fiscal year, women 65-79, two insurer kinds, outpatient and pharmacy", "from=202304;to=202403;sex=2;age_band=65,70,75;insurer_kind=1,4;claim_kind=2,4" },
        { "a month and four prefectures", "from=202305;to=202305;prefecture=13,14,27,47" },
    };

    private IndicatorTable Build(string id, IndicatorFilter filter) =>
        IndicatorBuilder.Build(data.Dataset, IndicatorCatalog.Of(data.Dataset.Schema)[id], filter,
            text => new DisclosedResult(data.Dataset.Execute(text), [], []));

    [Theory]
    [MemberData(nameof(Filters))]
    public void Spending_per_capita_raw_adjusted_and_index_equal_DuckDB_s(string name, string filterText)
    {
        var filter = Parse(filterText);
        var table = Build("spending_per_capita", filter);
        var where = Where(filter, claims: true);
        var populationWhere = Where(filter, claims: false);
        var points = Strata($"SELECT prefecture, sex, {Group("age")} AS g, sum(total_points)::DOUBLE FROM receipts {where} GROUP BY ALL");
        var persons = Strata($"SELECT prefecture, sex, {Group("age")} AS g, sum(persons)::DOUBLE FROM population {populationWhere} GROUP BY ALL");
        Assert.True(points.Count > 0, name);

        // Standardised figures to compare: a prefecture has persons in every stratum more often than not.
        Assert.True(table.Rows.Count(r => r.Prefecture is not null && r.Adjusted is not null) >= (filter.Prefectures?.Count ?? 47) / 2, name);
        var nationRate = points.Values.Sum() * 10 / (persons.Values.Sum() / 12);
        var nation = Assert.Single(table.Rows, r => r.Prefecture is null);
        Close(nationRate, nation.Value);
        Assert.Equal(1, nation.Index);

        var weights = persons.GroupBy(p => (p.Key.Sex, p.Key.Group)).ToDictionary(g => g.Key, g => g.Sum(p => p.Value) / persons.Values.Sum());
        var prefectures = filter.Prefectures ?? [.. Enumerable.Range(1, 47)];
        Assert.Equal(prefectures.Order(), table.Rows.Where(r => r.Prefecture is not null).Select(r => r.Prefecture!.Value));
        foreach (var row in table.Rows.Where(r => r.Prefecture is not null))
        {
            var p = row.Prefecture!.Value;
            Assert.False(row.Suppressed);
            var pm = persons.Where(x => x.Key.Prefecture == p).Sum(x => x.Value);
            var pts = points.Where(x => x.Key.Prefecture == p).Sum(x => x.Value);
            if (pm == 0)
            {
                Assert.Null(row.Value);
                continue;
            }
            Close(pts * 10 / (pm / 12), row.Value);
            Close(pts, row.Numerator);
            Close(pm / 12, row.Denominator);
            // Standardised only where the prefecture has persons in every stratum the nation has.
            var complete = weights.Keys.All(s => persons.GetValueOrDefault((p, s.Sex, s.Group)) > 0);
            if (!complete)
            {
                Assert.Null(row.Adjusted);
                continue;
            }
            var adjusted = weights.Sum(w => w.Value * points.GetValueOrDefault((p, w.Key.Sex, w.Key.Group)) * 10 / (persons[(p, w.Key.Sex, w.Key.Group)] / 12));
            Close(adjusted, row.Adjusted);
            Close(adjusted / nationRate, row.Index);
        }
    }

    [Theory]
    [MemberData(nameof(Filters))]
    public void Checkup_participation_equals_DuckDB_s(string name, string filterText)
    {
        var filter = Parse(filterText) with { ClaimKinds = null };
        var table = Build("checkup_participation", filter);
        var months = data.Rows($"SELECT count(DISTINCT month) FROM population {Where(filter, claims: false)}").Single()[0];
        var examined = data.Rows($"SELECT prefecture, count(DISTINCT patient_id) FROM checkups {Where(filter, claims: false, month: "exam_month", ages: "age BETWEEN 40 AND 74")} GROUP BY ALL")
            .ToDictionary(r => Convert.ToInt32(r[0]), r => Convert.ToDouble(r[1]));
        var insured = data.Rows($"SELECT prefecture, sum(persons)::DOUBLE / {months} FROM population {Where(filter, claims: false, ages: "age BETWEEN 40 AND 74")} GROUP BY ALL")
            .ToDictionary(r => Convert.ToInt32(r[0]), r => Convert.ToDouble(r[1]));
        Assert.True(examined.Count > 0, name);
        foreach (var row in table.Rows.Where(r => r.Prefecture is { } p && insured.GetValueOrDefault(p) > 0))
        {
            Close(examined.GetValueOrDefault(row.Prefecture!.Value) / insured[row.Prefecture.Value] * 100, row.Value);
            Assert.Equal((long)examined.GetValueOrDefault(row.Prefecture.Value), row.Patients);
        }
        Close(examined.Values.Sum() / insured.Values.Sum() * 100, Assert.Single(table.Rows, r => r.Prefecture is null).Value);
        Assert.Equal(70, table.Indicator.Target);
    }

    [Fact]
    public void Guidance_levels_share_each_prefecture_s_examined_and_sum_to_all_of_them()
    {
        var table = Build("guidance_levels", new IndicatorFilter(From: 202304, To: 202403));
        var counts = data.Rows("SELECT prefecture, guidance_level, count(DISTINCT patient_id) FROM checkups WHERE exam_month BETWEEN 202304 AND 202403 AND age BETWEEN 40 AND 74 GROUP BY ALL")
            .ToDictionary(r => (Convert.ToInt32(r[0]), Convert.ToInt32(r[1])), r => Convert.ToDouble(r[2]));
        var examined = data.Rows("SELECT prefecture, count(DISTINCT patient_id) FROM checkups WHERE exam_month BETWEEN 202304 AND 202403 AND age BETWEEN 40 AND 74 GROUP BY ALL")
            .ToDictionary(r => Convert.ToInt32(r[0]), r => Convert.ToDouble(r[1]));
        Assert.Equal(4 * 48, table.Rows.Count);
        foreach (var row in table.Rows.Where(r => r.Prefecture is { } p && examined.ContainsKey(p)))
            Close(counts.GetValueOrDefault((row.Prefecture!.Value, row.Categories[0])) / examined[row.Prefecture.Value] * 100, row.Value);
        // Each examined person has one level in the year, so a prefecture's shares make its whole.
        foreach (var prefecture in examined.Keys)
            Assert.Equal(100, table.Rows.Where(r => r.Prefecture == prefecture).Sum(r => r.Value!.Value), 6);
    }

    public static TheoryData<string, string> Breakdowns()
    {
        var data = new TheoryData<string, string>();
        foreach (var id in new[] { "spending_by_age_sex", "spending_by_claim_kind", "spending_monthly" })
            foreach (var filter in Filters)
                data.Add(id, (string)filter[1]);
        return data;
    }

    /// <summary>
    /// Each category's spending over its own persons where the population has the key (a band and sex, a month),
    /// over everyone's for a claim kind; every category listed, nobody's as 0 spending or no figure.
    /// </summary>
    [Theory]
    [MemberData(nameof(Breakdowns))]
    public void Spending_broken_down_equals_DuckDB_s(string id, string filterText)
    {
        var filter = Parse(filterText);
        var table = Build(id, filter);
        var (claimKeys, populationKeys) = id switch
        {
            "spending_by_age_sex" => ("least((age // 5) * 5, 100), sex", "least((age // 5) * 5, 100), sex"),
            "spending_by_claim_kind" => ("claim_kind, 0", "0, 0"),
            _ => ("service_month, 0", "month, 0"),
        };
        var points = Cells($"SELECT prefecture, {claimKeys}, sum(total_points)::DOUBLE FROM receipts {Where(filter, claims: true)} GROUP BY ALL");
        var persons = Cells($"SELECT prefecture, {populationKeys}, sum(persons)::DOUBLE FROM population {Where(filter, claims: false)} GROUP BY ALL");
        Assert.True(points.Count > 0, id);

        var categories = table.Rows.Select(r => (r.Categories[0], r.Categories.ElementAtOrDefault(1))).Distinct().ToArray();
        var expected = id switch
        {
            "spending_by_age_sex" => (filter.AgeBands?.Count ?? 21) * (filter.Sex is null ? 2 : 1),
            "spending_by_claim_kind" => filter.ClaimKinds?.Count ?? data.Dataset.Schema.Enum("claim_kind").Values.Count,
            _ => data.Rows($"SELECT count(DISTINCT month) FROM population {Where(filter, claims: false)}").Single()[0] is var m ? Convert.ToInt32(m) : 0,
        };
        Assert.Equal(expected, categories.Length);
        Assert.Equal(categories.Length * (1 + (filter.Prefectures?.Count ?? 47)), table.Rows.Count);
        foreach (var row in table.Rows)
        {
            Assert.False(row.Suppressed);
            var (a, b) = (row.Categories[0], row.Categories.ElementAtOrDefault(1));
            bool In(int p) => row.Prefecture is null || p == row.Prefecture;
            var spent = points.Where(c => In(c.Key.Prefecture) && c.Key.A == a && c.Key.B == b).Sum(c => c.Value);
            var insured = persons.Where(c => In(c.Key.Prefecture) && (populationKeys == "0, 0" || (c.Key.A == a && c.Key.B == b))).Sum(c => c.Value);
            if (insured == 0) Assert.Null(row.Value);
            else Close(spent * 10 / (insured / 12), row.Value);
        }
        if (id == "spending_by_claim_kind")
            Close(Build("spending_per_capita", filter).Rows.Single(r => r.Prefecture is null).Value!.Value,
                table.Rows.Where(r => r.Prefecture is null).Sum(r => r.Value!.Value));
    }

    /// <summary>
    /// The share of generics among the drugs that have one, by the lines' receipts' prefecture (and month), with the
    /// filters applied to the receipts; the oracle reads the code sets from the drug master's CSV itself.
    /// </summary>
    [Theory]
    [MemberData(nameof(Filters))]
    public void Generic_share_by_the_receipt_s_prefecture_and_month_equals_DuckDB_s(string name, string filterText)
    {
        var filter = Parse(filterText);
        var sql = $"""
            {Claims.Testing.GenericCodeSets.With}
            SELECT prefecture, service_month, coalesce(sum(quantity) FILTER (WHERE code IN (SELECT code FROM g)), 0)::DOUBLE,
                   coalesce(sum(quantity) FILTER (WHERE code IN (SELECT code FROM s)), 0)::DOUBLE
            FROM drugs JOIN receipts USING (receipt_id, service_month) {Where(filter, claims: true)} GROUP BY ALL
            """;
        var cells = data.Rows(sql).Select(r => (Prefecture: Convert.ToInt32(r[0]), Month: Convert.ToInt32(r[1]), Generic: Convert.ToDouble(r[2]), All: Convert.ToDouble(r[3]))).ToArray();
        Assert.True(cells.Sum(c => c.All) > 0, name);

        var overall = Build("generic_share", filter);
        var monthly = Build("generic_share_monthly", filter);
        foreach (var (table, byMonth) in new[] { (overall, false), (monthly, true) })
            foreach (var row in table.Rows)
            {
                Assert.False(row.Suppressed);
                var chosen = cells.Where(c => (row.Prefecture is null || c.Prefecture == row.Prefecture) && (!byMonth || c.Month == row.Categories[0])).ToArray();
                var (generic, all) = (chosen.Sum(c => c.Generic), chosen.Sum(c => c.All));
                Close(generic, row.Numerator);
                if (all > 0) Close(generic / all * 100, row.Value);
            }
        // The synthetic data is calibrated to the nation's 80 % (calibration.json's generics).
        if (name == "everything") Assert.InRange(overall.Rows.Single(r => r.Prefecture is null).Value!.Value, 60, 95);
    }

    public static TheoryData<string, string> PatientFilters => new()
    {
        { "everything", "" },
        { "a fiscal year, women 65-79, two insurer kinds", "from=202304;to=202403;sex=2;age_band=65,70,75;insurer_kind=1,4" },
        { "a month and four prefectures", "from=202305;to=202305;prefecture=13,14,27,47" },
    };

    /// <summary>
    /// Polypharmacy and duplicate prescriptions: each month's patients with six oral ingredients, or with one
    /// ingredient from two prescribers, over the month's patients given such drugs, by the lines' receipts'
    /// prefecture; the oracle finds the patient-months with GROUP BY … HAVING.
    /// </summary>
    [Theory]
    [MemberData(nameof(PatientFilters))]
    public void Polypharmacy_and_duplicate_prescriptions_equal_DuckDB_s(string name, string filterText)
    {
        var filter = Parse(filterText);
        const string lines = "SELECT d.patient_id, d.service_month, d.yj_code, d.prescriber_id, d.shinryo_shikibetsu, r.prefecture, r.age, r.sex, r.insurer_kind, r.claim_kind FROM drugs d JOIN receipts r USING (receipt_id, service_month)";
        var definitions = new[]
        {
            ("polypharmacy", "shinryo_shikibetsu = 21 AND claim_kind IN (2, 4)", "SELECT patient_id, service_month FROM l WHERE yj_code IS NOT NULL GROUP BY ALL HAVING count(DISTINCT left(yj_code, 7)) >= 6", "age >= 65"),
            ("duplicate_prescriptions", "claim_kind = 4", "SELECT DISTINCT patient_id, service_month FROM (SELECT patient_id, service_month FROM l WHERE yj_code IS NOT NULL AND prescriber_id IS NOT NULL GROUP BY patient_id, service_month, left(yj_code, 7) HAVING count(DISTINCT prescriber_id) >= 2)", null),
        };
        foreach (var (id, kind, found, ages) in definitions)
        {
            var sql = $"""
                WITH l AS ({lines} WHERE {kind}), pm AS ({found})
                SELECT prefecture, service_month, count(DISTINCT patient_id) FILTER (WHERE (patient_id, service_month) IN (SELECT (patient_id, service_month) FROM pm)), count(DISTINCT patient_id)
                FROM l {Where(filter, claims: true, ages: ages)} GROUP BY GROUPING SETS ((prefecture, service_month), (service_month))
                """;
            var cells = data.Rows(sql).ToDictionary(r => (Prefecture: r[0] is null ? 0 : Convert.ToInt32(r[0]), Month: Convert.ToInt32(r[1])),
                r => (Found: Convert.ToDouble(r[2]), All: Convert.ToDouble(r[3])));
            Assert.True(cells.Values.Sum(c => c.Found) > 0, $"{id}, {name}: the fixture should have some");
            var table = Build(id, filter);
            foreach (var row in table.Rows)
            {
                var (found2, all) = cells.GetValueOrDefault((row.Prefecture ?? 0, row.Categories[0]));
                Close(found2, row.Numerator);
                if (all > 0) Close(found2 / all * 100, row.Value);
                else Assert.Null(row.Value);
            }
        }
    }

    /// <summary>
    /// Inpatient and DPC spending by the ICD-10 chapter of each receipt's first main diagnosis, over everyone insured:
    /// the chapters of a prefecture add up to its inpatient spending per person, receipts without a main diagnosis aside.
    /// </summary>
    [Theory]
    [MemberData(nameof(PatientFilters))]
    public void Spending_by_the_chapter_of_the_main_diagnosis_equals_DuckDB_s(string name, string filterText)
    {
        var filter = Parse(filterText);
        var points = data.Rows($"""
            WITH d AS (SELECT *, row_number() OVER (PARTITION BY receipt_id ORDER BY rowid) AS line FROM diagnoses WHERE is_main),
                 c AS (SELECT r.*, {ReceiptLineOracleTests.Chapter.Replace("icd10", "d.icd10")} AS chapter FROM d JOIN receipts r USING (receipt_id, service_month) WHERE d.line = 1 AND r.claim_kind IN (1, 3))
            SELECT prefecture, chapter, sum(total_points)::DOUBLE FROM c {Where(filter, claims: true)} GROUP BY GROUPING SETS ((prefecture, chapter), (chapter))
            """).ToDictionary(r => (Prefecture: r[0] is null ? 0 : Convert.ToInt32(r[0]), Chapter: Convert.ToInt32(r[1])), r => Convert.ToDouble(r[2]));
        var persons = data.Rows($"SELECT prefecture, sum(persons)::DOUBLE FROM population {Where(filter, claims: false)} GROUP BY GROUPING SETS ((prefecture), ())")
            .ToDictionary(r => r[0] is null ? 0 : Convert.ToInt32(r[0]), r => Convert.ToDouble(r[1]));
        var table = Build("spending_by_icd10_chapter", filter);
        Assert.Equal(22 * (1 + (filter.Prefectures?.Count ?? 47)), table.Rows.Count);
        foreach (var row in table.Rows)
        {
            var sum = points.GetValueOrDefault((row.Prefecture ?? 0, row.Categories[0]));
            Close(sum, row.Numerator);
            if (persons.GetValueOrDefault(row.Prefecture ?? 0) is > 0 and var p) Close(sum * 10 / (p / 12), row.Value);
        }
        if (name == "everything") Assert.True(points.Count(p => p.Key.Prefecture == 0 && p.Value > 0) >= 8, "the fixture's inpatients should fall in many chapters");
    }

    /// <summary>
    /// New dialysis patients: each patient's first month with a dialysis code over the whole dataset, counted where it
    /// falls in the period from the thirteenth month on, per 100,000 person-years of the population. The fixture's
    /// 4,000 persons start dialysis too rarely to count any, so the same definition also runs on the procedure most
    /// patients are first billed in 2024, which DuckDB picks.
    /// </summary>
    [Theory]
    [MemberData(nameof(PatientFilters))]
    public void New_patients_equal_DuckDB_s_and_count_from_the_thirteenth_month(string name, string filterText)
    {
        var filter = Parse(filterText);
        var dialysis = IndicatorCatalog.Of(data.Dataset.Schema)["new_dialysis"];
        var frequent = (string)data.Rows("""
            WITH f AS (SELECT code, patient_id, min(service_month) AS m FROM procedures WHERE patient_id IS NOT NULL GROUP BY 1, 2)
            SELECT code FROM f WHERE m >= 202401 GROUP BY 1 ORDER BY count(*) DESC, code LIMIT 1
            """).Single()[0]!;
        var codes = dialysis.Numerator.Where!["and"]![0]!["in"]!.AsArray().Select(c => (string)c!).ToArray();
        foreach (var chosen in new[] { codes, [frequent] })
        {
            var list = string.Join(", ", chosen.Select(c => $"\"{c}\""));
            var indicator = dialysis with
            {
                Numerator = dialysis.Numerator with { Where = System.Text.Json.Nodes.JsonNode.Parse("""{"and": [{"col": "code", "in": [""" + list + """]}, {"firstEvent": {"where": {"col": "code", "in": [""" + list + "]}}}]}") },
            };
            var counted = filter with { From = Math.Max(filter.From ?? 0, 202401) };
            var patients = data.Rows($"""
                WITH p AS (SELECT pr.patient_id, pr.service_month, r.prefecture, r.age, r.sex, r.insurer_kind FROM procedures pr JOIN receipts r USING (receipt_id, service_month)
                           WHERE pr.code IN ({string.Join(", ", chosen.Select(c => $"'{c}'"))})),
                     f AS (SELECT patient_id, min(service_month) AS m FROM p WHERE patient_id IS NOT NULL GROUP BY 1)
                SELECT prefecture, count(DISTINCT p.patient_id) FROM p JOIN f ON f.patient_id = p.patient_id AND f.m = p.service_month {Where(counted, claims: true)}
                GROUP BY GROUPING SETS ((prefecture), ())
                """).ToDictionary(r => r[0] is null ? 0 : Convert.ToInt32(r[0]), r => Convert.ToDouble(r[1]));
            var persons = data.Rows($"SELECT prefecture, sum(persons)::DOUBLE FROM population {Where(counted, claims: false)} GROUP BY GROUPING SETS ((prefecture), ())")
                .ToDictionary(r => r[0] is null ? 0 : Convert.ToInt32(r[0]), r => Convert.ToDouble(r[1]));
            var table = IndicatorBuilder.Build(data.Dataset, indicator, filter, text => new DisclosedResult(data.Dataset.Execute(text), [], []));
            Assert.Contains(table.Rules, r => r.StartsWith("new patients counted from 2024-01", StringComparison.Ordinal));
            foreach (var row in table.Rows)
            {
                var n = patients.GetValueOrDefault(row.Prefecture ?? 0);
                Close(n, row.Numerator);
                if (persons.GetValueOrDefault(row.Prefecture ?? 0) is > 0 and var p) Close(n / (p / 12) * 100_000, row.Value);
                else Assert.Null(row.Value);
            }
            if (name == "everything" && chosen.Length == 1) Assert.True(patients.GetValueOrDefault(0) >= 20, $"{patients.GetValueOrDefault(0)} new patients of {frequent} in 2024");
        }
    }

    private Dictionary<(int Prefecture, int A, int B), double> Cells(string sql) =>
        data.Rows(sql).ToDictionary(r => (Convert.ToInt32(r[0]), Convert.ToInt32(r[1]), Convert.ToInt32(r[2])), r => Convert.ToDouble(r[3] ?? 0L));

    [Theory]
    [InlineData("spending_per_capita", "from=202313", "not a month")]
    [InlineData("spending_per_capita", "from=202305;to=202304", "from is after to")]
    [InlineData("spending_per_capita", "prefecture=48", "prefecture 48 is not a code")]
    [InlineData("spending_per_capita", "age_band=12", "age band 12")]
    [InlineData("checkup_participation", "claim_kind=2", "takes no claim_kind filter")]
    public void A_filter_the_indicator_cannot_take_is_refused_by_name(string id, string filterText, string named)
    {
        var error = Assert.Throws<IndicatorException>(() => Build(id, Parse(filterText)));
        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void An_unknown_indicator_is_refused_naming_the_indicators()
    {
        var error = Assert.Throws<IndicatorException>(() => IndicatorCatalog.Of(data.Dataset.Schema)["spending"]);
        Assert.Contains("spending_per_capita", error.Message);
    }

    private static void Close(double expected, double? actual) =>
        Assert.True(actual is { } a && Math.Abs(a - expected) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual}");

    private Dictionary<(int Prefecture, int Sex, int Group), double> Strata(string sql) =>
        data.Rows(sql).ToDictionary(r => (Convert.ToInt32(r[0]), Convert.ToInt32(r[1]), Convert.ToInt32(r[2])), r => Convert.ToDouble(r[3] ?? 0L));

    private static string Group(string age) =>
        "CASE " + string.Concat(Groups.Skip(1).Select((g, i) => $"WHEN {age} < {g} THEN {Groups[i]} ")) + $"ELSE {Groups[^1]} END";

    /// <summary>
    /// The filter as SQL, written apart from the engine's predicates. Prefectures pick rows only: the nation and the
    /// standardisation's weights are the whole nation's whichever prefectures are shown.
    /// </summary>
    private static string Where(IndicatorFilter filter, bool claims, string? month = null, string? ages = null)
    {
        month ??= claims ? "service_month" : "month";
        var terms = new List<string>();
        if (filter.From is { } from) terms.Add($"{month} >= {from}");
        if (filter.To is { } to) terms.Add($"{month} <= {to}");
        if (filter.Sex is { } sex) terms.Add($"sex = {sex}");
        if (filter.AgeBands is { } bands) terms.Add($"(age // 5) * 5 IN ({string.Join(",", bands)})");
        if (filter.InsurerKinds is { } kinds) terms.Add($"insurer_kind IN ({string.Join(",", kinds)})");
        if (claims && filter.ClaimKinds is { } claimKinds) terms.Add($"claim_kind IN ({string.Join(",", claimKinds)})");
        if (ages is not null) terms.Add(ages);
        return terms.Count == 0 ? "" : "WHERE " + string.Join(" AND ", terms);
    }

    private static IndicatorFilter Parse(string text)
    {
        var parts = text.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        int[]? List(string key) => parts.TryGetValue(key, out var v) ? [.. v.Split(',').Select(int.Parse)] : null;
        int? One(string key) => parts.TryGetValue(key, out var v) ? int.Parse(v) : null;
        return new IndicatorFilter(One("from"), One("to"), List("prefecture"), One("sex"), List("age_band"), List("insurer_kind"), List("claim_kind"));
    }
}
