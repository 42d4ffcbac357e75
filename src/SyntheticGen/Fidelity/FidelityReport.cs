using Claims.Engine.Storage;
using Claims.SyntheticGen.Checkups;
using Claims.SyntheticGen.Model;
using Claims.SyntheticGen.Output;
using Claims.SyntheticGen.Population;
using ParquetSharp;

namespace Claims.SyntheticGen.Fidelity;

/// <summary>One row of the fidelity report: a metric, its target and source, the synthetic value, and whether it is within tolerance.</summary>
public sealed record FidelityRow(string Metric, double Target, double Value, double Tolerance, string Source)
{
    /// <summary>Within tolerance; a metric with no cases to measure (NaN) never passes.</summary>
    public bool Pass => Math.Abs(Value - Target) <= Tolerance + 1e-12;
}

/// <summary>
/// How closely a generated dataset follows its calibration: national volumes, prices, prevalence, mortality,
/// checkup rates and seasonality against calibration.json; column shapes in the style of SDMetrics (KS
/// complement against target distributions, category frequencies); and the invariants that must hold exactly
/// (referential integrity, total_points = sum of lines, diabetes drugs only for people with diabetes,
/// checkup answers consistent with drug claims). Reads the dataset through the store and the ground truth from
/// truth/.
/// </summary>
public static class FidelityReport
{
    public static IReadOnlyList<FidelityRow> Compute(string directory, GeneratorModel? model = null)
    {
        model ??= GeneratorModel.Load();
        using var dataset = Dataset.Open(directory);
        var truth = TruthData.Read(Path.Combine(directory, TruthWriter.Folder));
        var context = new FidelityContext(model, dataset, truth);
        var rows = new List<FidelityRow>();
        Population(context, rows);
        Utilisation(context, rows);
        Spending(context, rows);
        Prescribing(context, rows);
        Integrity(context, rows);
        Clinical(context, rows);
        CheckupRates(context, rows);
        return rows;
    }

    private static FidelityRow Relative(FidelityContext c, string metric, double target, double value, string source) =>
        new(metric, target, value, Math.Max(c.Model.Calibration.RelativeTolerance * Math.Abs(target), c.Model.Calibration.AbsoluteTolerance), source);

    private static FidelityRow FromTarget(FidelityContext c, string metric, string name, double value)
    {
        var target = c.Model.Calibration.FidelityTargets[name];
        return new FidelityRow(metric, target.Value, value, target.Tolerance ?? c.Model.Calibration.AbsoluteTolerance, target.Source);
    }

    private static void Population(FidelityContext c, List<FidelityRow> rows)
    {
        var calibration = c.Model.Calibration;
        var start = c.Truth.Persons.Where(p => p.FirstMonth == c.FirstMonthYyyymm).ToArray();
        var totalTarget = calibration.PopulationMale.Sum() + calibration.PopulationFemale.Sum();
        double Share(Func<int, bool> band) =>
            Enumerable.Range(0, AgeBands.Count).Where(band).Sum(b => calibration.PopulationMale[b] + calibration.PopulationFemale[b]) / totalTarget;
        double Observed(Func<int, bool> age) => start.Count(p => age(p.AgeAt(c.FirstMonth))) / (double)start.Length;
        var source = calibration.PopulationSource;
        rows.Add(Relative(c, "population: share aged under 15", Share(b => b < 3), Observed(a => a < 15), source));
        rows.Add(Relative(c, "population: share aged 65+", Share(b => b >= 13), Observed(a => a >= 65), source));
        rows.Add(Relative(c, "population: share aged 75+", Share(b => b >= 15), Observed(a => a >= 75), source));
        rows.Add(Relative(c, "population: share male", calibration.PopulationMale.Sum() / totalTarget, start.Count(p => p.Sex == 1) / (double)start.Length, source));
        var tokyo = c.Model.PrefectureShares[12];
        rows.Add(Relative(c, "population: share living in Tokyo", tokyo, start.Count(p => p.Prefecture == 13) / (double)start.Length,
            "総務省 人口推計 2023 (enums.json prefecture population_2023)"));
        // KS complement of the age distribution against the 2023 pyramid (SDMetrics KSComplement).
        var targetCdf = new double[AgeBands.Count];
        var observedCdf = new double[AgeBands.Count];
        var cumulative = 0.0;
        for (var b = 0; b < AgeBands.Count; b++)
        {
            cumulative += (calibration.PopulationMale[b] + calibration.PopulationFemale[b]) / totalTarget;
            targetCdf[b] = cumulative;
        }
        foreach (var p in start) observedCdf[AgeBands.Of(p.AgeAt(c.FirstMonth))]++;
        cumulative = 0;
        var ks = 0.0;
        for (var b = 0; b < AgeBands.Count; b++)
        {
            cumulative += observedCdf[b] / start.Length;
            ks = Math.Max(ks, Math.Abs(cumulative - targetCdf[b]));
        }
        rows.Add(FromTarget(c, "shape: age KS complement vs 2023 pyramid", "ageKsComplement", 1 - ks));

        var expectedDeaths = 0.0;
        for (var b = 0; b < AgeBands.Count; b++)
            expectedDeaths += calibration.PopulationMale[b] * calibration.MortalityMale[b] + calibration.PopulationFemale[b] * calibration.MortalityFemale[b];
        var deaths = c.Truth.Persons.Count(p => p.DeathMonth is not null);
        rows.Add(Relative(c, "mortality: deaths per 1,000 person-years", expectedDeaths / totalTarget / 100, deaths / c.PersonYears * 1000,
            "人口動態統計 2023 age-specific rates (calibration.json mortality) applied to the 2023 population"));
        var changed = c.Truth.Persons.Count(p => p.IdentityChanges > 0) / (double)c.Truth.Persons.Count;
        rows.Add(FromTarget(c, "identity: persons whose id1 or id2 changed, per year", "identityChangesPerYear", changed * 12 / c.Months));
    }

    private static void Utilisation(FidelityContext c, List<FidelityRow> rows)
    {
        var calibration = c.Model.Calibration;
        var perYear = calibration.ClaimsPerPersonYear;
        var source = calibration.UtilisationSource;
        double Rate(params sbyte[] kinds) => kinds.Sum(k => c.ClaimsByKind[k]) / c.PersonYears;
        rows.Add(Relative(c, "claims per person-year: medical outpatient", perYear["medicalOutpatient"], Rate(2), source));
        foreach (var (label, from, to) in new[] { ("0–14", 0, 14), ("15–39", 15, 39), ("40–64", 40, 64), ("65–74", 65, 74), ("75+", 75, 120) })
            rows.Add(Relative(c, $"claims per person-year: medical outpatient, ages {label}", c.ExpectedOutpatientRate(from, to), c.OutpatientRate(from, to), source));
        rows.Add(Relative(c, "claims per person-year: pharmacy", perYear["pharmacy"], Rate(4), source));
        rows.Add(Relative(c, "claims per person-year: dental", perYear["dental"], Rate(5, 6), source));
        rows.Add(Relative(c, "claims per person-year: inpatient and DPC", perYear["medicalInpatient"] + perYear["dpc"], Rate(1, 3), source));
        var points = calibration.MeanPointsPerClaim;
        double Mean(params sbyte[] kinds) => kinds.Sum(k => c.PointsByKind[k]) / Math.Max(1, kinds.Sum(k => c.ClaimsByKind[k]));
        var inpatientTarget = (points["medicalInpatient"] * perYear["medicalInpatient"] + points["dpc"] * perYear["dpc"]) / (perYear["medicalInpatient"] + perYear["dpc"]);
        rows.Add(Relative(c, "mean points per claim: inpatient and DPC", inpatientTarget, Mean(1, 3), source));
        rows.Add(Relative(c, "mean points per claim: medical outpatient", points["medicalOutpatient"], Mean(2), source));
        rows.Add(Relative(c, "mean points per claim: pharmacy", points["pharmacy"], Mean(4), source));
        rows.Add(Relative(c, "mean points per claim: dental", points["dental"], Mean(5, 6), source));
        rows.Add(FromTarget(c, "shape: outpatient points, share of claims above 3x the mean (long right tail)", "outpatientTailShare", c.OutpatientAboveThreeMeans));
        rows.Add(new FidelityRow("prescriptions filled at a pharmacy (院外処方率)", calibration.OutsidePrescriptionRate, c.OutsidePrescriptionShare, 0.05,
            "日本薬剤師会 保険調剤の動向 FY2023 (calibration.json)"));
        rows.Add(new FidelityRow("diagnosis lines flagged suspected (疑い)", calibration.SuspectedDiagnosisShare, c.SuspectedShare, 0.05,
            "calibration.json suspectedDiagnosisShare (approx.)"));
        rows.Add(new FidelityRow("receipts missing id5", calibration.Id5MissingShare, c.Id5Missing, 0.02, "NDB.md: id5 valid on 92–97% of claims (calibration.json identity)"));
        rows.Add(FromTarget(c, "shape: claim kind frequencies, TVD complement", "claimKindTvdComplement", 1 - c.ClaimKindTvd(perYear)));
        if (c.WindowHasWinter)
            rows.Add(FromTarget(c, "seasonality: influenza diagnoses in December–March", "influenzaWinterShare", c.InfluenzaWinterShare));
    }

    /// <summary>
    /// Spending by age against 国民医療費: each age group's share of all points; per-capita points by group (the
    /// national per-capita yen, at 10 yen a point, times the group's share over its share of the population); and
    /// per-capita ratios of 65+ to under 65, overall, 75+, and by kind.
    /// </summary>
    private static void Spending(FidelityContext c, List<FidelityRow> rows)
    {
        var calibration = c.Model.Calibration;
        var spending = calibration.Spending;
        var all = c.Points(0, 120);
        var population = calibration.PopulationMale.Zip(calibration.PopulationFemale, (m, f) => m + f).ToArray();
        var perCapitaAll = spending.PerCapitaYen["all"] / 10;
        for (var g = 0; g < spending.AgeGroups.Length; g++)
        {
            var from = spending.AgeGroups[g];
            var to = AgeBands.LastAge(spending.AgeGroups, g);
            rows.Add(Relative(c, $"spending: share of points, ages {spending.Label(g)}", spending.Shares[g], c.Points(from, to) / all, spending.Source));
            var populationShare = Enumerable.Range(0, AgeBands.Count).Where(b => b * 5 >= from && b * 5 <= to).Sum(b => population[b]) / population.Sum();
            rows.Add(Relative(c, $"spending: points per person-year, ages {spending.Label(g)}", perCapitaAll * spending.Shares[g] / populationShare,
                c.Points(from, to) / c.PersonYearsAged(from, to), spending.Source + "; national population shares of calibration.json population"));
        }
        double PerCapita(int from, int to, params sbyte[] kinds) => c.Points(from, to, kinds) / c.PersonYearsAged(from, to);
        var yen = spending.PerCapitaYen;
        rows.Add(Relative(c, "spending: points per person-year, 65+ ÷ under 65", yen["65plus"] / yen["under65"], PerCapita(65, 120) / PerCapita(0, 64), spending.Source));
        rows.Add(Relative(c, "spending: points per person-year, 75+ ÷ under 65", yen["75plus"] / yen["under65"], PerCapita(75, 120) / PerCapita(0, 64), spending.Source));
        foreach (var (kind, label, kinds) in new (string, string, sbyte[])[] { ("medical", "medical", [1, 2, 3]), ("dental", "dental", [5, 6]), ("pharmacy", "pharmacy", [4]) })
            rows.Add(Relative(c, $"spending: {label} points per person-year, 65+ ÷ under 65", spending.KindRatios[kind],
                PerCapita(65, 120, kinds) / PerCapita(0, 64, kinds), spending.KindSource));
    }

    /// <summary>
    /// Generic share by quantity where the master has both brands and generics: nationally, and the differences the
    /// calibration gives Okinawa, Tokyo (by the dispensing facility's prefecture) and children under 15; oral drug
    /// lines by days prescribed; prescriptions filled at pharmacies per person-year, pharmacy receipts with five or more
    /// distinct drugs (seven or more at 75+) and oral drug cost at pharmacies per person-year, by age.
    /// </summary>
    private static void Prescribing(FidelityContext c, List<FidelityRow> rows)
    {
        var generics = c.Model.Calibration.Generics;
        var national = c.GenericShare();
        rows.Add(new FidelityRow("prescribing: generic share by quantity", generics.National, national, generics.Tolerance, generics.Source));
        foreach (var (prefecture, name) in new[] { (47, "Okinawa"), (13, "Tokyo") })
            rows.Add(new FidelityRow($"prescribing: generic share, {name} minus national", generics.Prefectures.GetValueOrDefault(prefecture),
                c.GenericShare(prefecture) - national, generics.Tolerance, generics.PrefectureSource));
        var days = c.Model.Calibration.PrescriptionDays;
        for (var bucket = 0; bucket < days.LineShares.Length; bucket++)
            rows.Add(new FidelityRow($"prescribing: oral drug lines for {days.Label(bucket)}", days.LineShares[bucket], c.OralLinesShare(bucket), days.Tolerance, days.Source));
        rows.Add(new FidelityRow("prescribing: generic share, children under 15 minus national", generics.AgeOffsets[0], c.GenericShare(-1) - national,
            generics.Tolerance, "calibration.json prescribing.generics.age (unverified prior)"));
        var prescriptions = c.Model.Calibration.Prescriptions;
        for (var g = 0; g < prescriptions.AgeGroups.Length; g++)
        {
            var target = prescriptions.PerPersonYear[g];
            rows.Add(new FidelityRow($"prescribing: prescriptions filled per person-year, ages {prescriptions.Label(g)}", target,
                c.PrescriptionsPerPersonYear(prescriptions.AgeGroups[g], AgeBands.LastAge(prescriptions.AgeGroups, g)),
                target * prescriptions.Tolerance, prescriptions.Source));
        }
        var polypharmacy = c.Model.Calibration.Polypharmacy;
        for (var g = 0; g < polypharmacy.AgeGroups.Length; g++)
            rows.Add(new FidelityRow($"prescribing: pharmacy receipts with 5 or more drugs, ages {polypharmacy.Label(g)}", polypharmacy.FiveOrMore[g],
                c.PharmacyReceiptsWith(5, polypharmacy.AgeGroups[g], AgeBands.LastAge(polypharmacy.AgeGroups, g)), polypharmacy.Tolerance, polypharmacy.Source));
        rows.Add(new FidelityRow("prescribing: pharmacy receipts with 7 or more drugs, ages 75+", polypharmacy.SevenOrMoreAged75,
            c.PharmacyReceiptsWith(7, 75, 120), polypharmacy.Tolerance, polypharmacy.Source));
        var oral = c.Model.Calibration.OralDrugCost;
        for (var g = 0; g < oral.AgeGroups.Length; g++)
        {
            var target = oral.YenPerPersonYear[g];
            rows.Add(new FidelityRow($"prescribing: oral drugs dispensed by pharmacies, yen per person-year, ages {oral.Label(g)}", target,
                c.OralYenPerPersonYear(oral.AgeGroups[g], AgeBands.LastAge(oral.AgeGroups, g)), target * oral.Tolerance, oral.Source));
        }
        var duplicates = c.Model.Calibration.Duplicates;
        for (var g = 0; g < duplicates.Groups.Count; g++)
            rows.Add(new FidelityRow($"prescribing: {duplicates.Groups[g].Name}, share of a month's outpatient user-ingredients prescribed by two or more facilities",
                duplicates.Groups[g].Share, c.DuplicateShare(g), duplicates.Groups[g].Tolerance, duplicates.Source));
    }

    private static void Integrity(FidelityContext c, List<FidelityRow> rows)
    {
        rows.Add(new FidelityRow("integrity: line items whose receipt exists in the same month", 1, c.LinesWithReceipt, 0, "referential integrity"));
        rows.Add(new FidelityRow("integrity: receipts whose total_points equals the sum of their lines", 1, c.TotalsMatching, 0,
            "Σ points × times over SI/IY/TO lines, plus DPC bundled points"));
        rows.Add(new FidelityRow("integrity: receipts and checkups with a true person in truth/", 1, c.RowsWithTruth, 0, "ground truth"));
        rows.Add(new FidelityRow("integrity: synthetic facility ids (900,000,000 and up)", 1, c.SyntheticFacilities, 0, "reserved range"));
    }

    private static void Clinical(FidelityContext c, List<FidelityRow> rows)
    {
        rows.Add(new FidelityRow("consistency: persons on class 396 drugs with a diagnosis they treat (diabetes; SGLT2 for CKD and heart failure)", 1,
            c.DiabetesDrugsWithDiagnosis, 0.01, "drugs follow the conditions they treat (clinical.json)"));
        rows.Add(new FidelityRow("consistency: checkups answering glucose medication whose person has glucose-lowering drug claims", 1, c.MedGlucoseWithDrugs, 0.05,
            "questionnaire consistent with claims"));
        rows.Add(FromTarget(c, "consistency: HbA1c of treated diabetics minus others (percentage points)", "hba1cTreatedGap", c.Hba1cGap));
        foreach (var condition in c.Model.Clinical.Conditions)
        {
            foreach (var male in new[] { true, false })
            {
                var prevalence = c.Model.Calibration.Prevalence[condition.Id];
                var target = c.ExpectedPrevalence(prevalence.For(male), male, 40);
                rows.Add(Relative(c, $"prevalence: {condition.Id}, {(male ? "men" : "women")} 40+", target,
                    c.TruePrevalence(condition.Id, male, 40, 120), prevalence.Source));
            }
        }
        foreach (var condition in c.Model.Clinical.Conditions)
        {
            var prefixes = c.DistinctivePrefixes(condition);
            if (prefixes.Count == 0) continue;
            var (expected, observed) = c.DiagnosedInClaims(condition);
            rows.Add(Relative(c, $"diagnosed in claims: {condition.Id} ({string.Join("/", prefixes)}), ages 40+", expected, observed,
                "prevalence × share diagnosed (calibration.json): conditions ↔ diagnoses"));
        }
        foreach (var (id, label, male, from, to) in new[]
                 {
                     ("t2dm", "type 2 diabetes, men 50–59", true, 50, 59), ("t2dm", "type 2 diabetes, women 70+", false, 70, 120),
                     ("hypertension", "hypertension, men 60–69", true, 60, 69), ("dementia", "dementia, women 85–89", false, 85, 89),
                 })
        {
            var prevalence = c.Model.Calibration.Prevalence[id];
            var curve = prevalence.For(male);
            var bands = Enumerable.Range(AgeBands.Of(from), AgeBands.Of(Math.Min(to, 100)) - AgeBands.Of(from) + 1).ToArray();
            var target = bands.Average(b => curve[b]);
            rows.Add(Relative(c, $"prevalence: {label}", target, c.TruePrevalence(id, male, from, to), prevalence.Source));
        }
    }

    private static void CheckupRates(FidelityContext c, List<FidelityRow> rows)
    {
        foreach (var (name, target) in c.Model.Calibration.CheckupTargets)
        {
            if (c.CheckupRate(name) is not { } value) continue;
            rows.Add(new FidelityRow($"checkups: {name}", target.Value, value, target.Tolerance ?? c.Model.Calibration.AbsoluteTolerance, target.Source));
        }
    }
}

/// <summary>The truth/ files, read back.</summary>
public sealed record TruthData(IReadOnlyList<TruthPersonRow> Persons, Dictionary<long, int> ReceiptPerson, Dictionary<long, int> CheckupPerson,
    Dictionary<string, Dictionary<int, int>> ConditionOnsets)
{
    public static TruthData Read(string folder)
    {
        if (!Directory.Exists(folder)) throw new Engine.ClaimsException($"no ground truth at '{folder}': fidelity needs a dataset made by claims generate");
        using var persons = new ParquetFileReader(Path.Combine(folder, "persons.parquet"));
        var rows = new List<TruthPersonRow>();
        for (var g = 0; g < persons.FileMetaData.NumRowGroups; g++)
        {
            using var group = persons.RowGroup(g);
            var n = (int)group.MetaData.NumRows;
            var id = group.Column(0).LogicalReader<int>().ReadAll(n);
            var sex = group.Column(1).LogicalReader<sbyte>().ReadAll(n);
            var birth = group.Column(2).LogicalReader<Date>().ReadAll(n);
            var prefecture = group.Column(3).LogicalReader<sbyte>().ReadAll(n);
            var first = group.Column(4).LogicalReader<int>().ReadAll(n);
            var death = group.Column(5).LogicalReader<int?>().ReadAll(n);
            var changes = group.Column(6).LogicalReader<int>().ReadAll(n);
            for (var i = 0; i < n; i++)
                rows.Add(new TruthPersonRow(id[i], sex[i], DateOnly.FromDateTime(birth[i].DateTime), prefecture[i], first[i], death[i], changes[i]));
        }
        var conditions = new Dictionary<string, Dictionary<int, int>>();
        using (var file = new ParquetFileReader(Path.Combine(folder, "conditions.parquet")))
        {
            for (var g = 0; g < file.FileMetaData.NumRowGroups; g++)
            {
                using var group = file.RowGroup(g);
                var n = (int)group.MetaData.NumRows;
                var person = group.Column(0).LogicalReader<int>().ReadAll(n);
                var condition = group.Column(1).LogicalReader<string>().ReadAll(n);
                var onset = group.Column(2).LogicalReader<int>().ReadAll(n);
                for (var i = 0; i < n; i++)
                {
                    if (!conditions.TryGetValue(condition[i], out var onsets)) conditions[condition[i]] = onsets = [];
                    onsets[person[i]] = onset[i];
                }
            }
        }
        return new TruthData(rows, Pairs(Path.Combine(folder, "receipts.parquet")), Pairs(Path.Combine(folder, "checkups.parquet")), conditions);
    }

    private static Dictionary<long, int> Pairs(string path)
    {
        using var file = new ParquetFileReader(path);
        var result = new Dictionary<long, int>();
        for (var g = 0; g < file.FileMetaData.NumRowGroups; g++)
        {
            using var group = file.RowGroup(g);
            var n = (int)group.MetaData.NumRows;
            var ids = group.Column(0).LogicalReader<long>().ReadAll(n);
            var persons = group.Column(1).LogicalReader<int>().ReadAll(n);
            for (var i = 0; i < n; i++) result[ids[i]] = persons[i];
        }
        return result;
    }
}

public sealed record TruthPersonRow(int Person, sbyte Sex, DateOnly Birth, sbyte Prefecture, int FirstMonth, int? DeathMonth, int IdentityChanges)
{
    public int AgeAt(int absoluteMonth) => (absoluteMonth - MonthMath.Of(Birth)) / 12;
}
