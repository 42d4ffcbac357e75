using Claims.Engine.Storage;
using Claims.SyntheticGen.Checkups;
using Claims.SyntheticGen.Facilities;
using Claims.SyntheticGen.Model;

using Claims.SyntheticGen.Population;

namespace Claims.SyntheticGen.Fidelity;

/// <summary>One pass over a generated dataset and its truth, collecting what the fidelity metrics need.</summary>
internal sealed class FidelityContext
{
    public FidelityContext(GeneratorModel model, Dataset dataset, TruthData truth)
    {
        Model = model;
        Truth = truth;
        _linesByDays = new long[model.Calibration.PrescriptionDays.LineShares.Length];
        var parameters = dataset.Manifest.Provenance.Parameters;
        if (!parameters.TryGetValue("from", out var from) || !parameters.TryGetValue("months", out var months))
            throw new Engine.ClaimsException("the dataset's provenance lacks the generator's from/months: fidelity needs a dataset made by claims generate");
        FirstMonthYyyymm = int.Parse(from);
        FirstMonth = MonthMath.FromYyyymm(FirstMonthYyyymm);
        Months = int.Parse(months);
        PersonYears = CountPersonYears(out var eligibleYears);
        CheckupEligiblePersonYears = eligibleYears;
        _glucoseCodes = GlucoseLoweringDrugs.Codes(model);
        ScanReceipts(dataset);
        ScanLines(dataset);
        ScanDiagnoses(dataset);
        ScanCheckups(dataset);
    }

    public GeneratorModel Model { get; }
    public TruthData Truth { get; }
    public int FirstMonthYyyymm { get; }
    public int FirstMonth { get; }
    public int Months { get; }
    public double PersonYears { get; }
    public double CheckupEligiblePersonYears { get; }

    public long[] ClaimsByKind { get; } = new long[7];
    public double[] PointsByKind { get; } = new double[7];
    public double OutpatientAboveThreeMeans { get; private set; }
    public double Id5Missing { get; private set; }
    public double SyntheticFacilities { get; private set; }
    public double RowsWithTruth { get; private set; }
    public double LinesWithReceipt { get; private set; }
    public double TotalsMatching { get; private set; }
    public double OutsidePrescriptionShare { get; private set; }
    public double SuspectedShare { get; private set; }
    public long InfluenzaTotal { get; private set; }
    public double InfluenzaWinterShare { get; private set; }
    public double DiabetesDrugsWithDiagnosis { get; private set; }
    public double MedGlucoseWithDrugs { get; private set; }
    public double Hba1cGap { get; private set; }

    private readonly Dictionary<long, (int Month, int Total, long Lines, sbyte Prefecture, short Age, sbyte Kind, int Facility)> _receipts = [];
    private IReadOnlySet<string> _glucoseCodes = new HashSet<string>();
    private readonly HashSet<int> _class396Persons = [];
    private readonly HashSet<int> _glucoseDrugPersons = [];
    private readonly HashSet<int> _class396IndicationPersons = [];
    private readonly Dictionary<string, (long Hits, long Count)> _checkupRates = [];

    /// <summary>
    /// Person-years in the window, overall and by age; and the checkups expected per unit of participation: the
    /// person-months aged 40–74 weighted by each month's share of the year's exams, so that a window without
    /// the autumn exam season is not read as low participation.
    /// </summary>
    private double CountPersonYears(out double eligible)
    {
        double months = 0, eligibleMonths = 0;
        var weights = Model.Calibration.CheckupMonthWeights;
        foreach (var person in Truth.Persons)
        {
            var first = Math.Max(FirstMonth, MonthMath.FromYyyymm(person.FirstMonth));
            var last = Math.Min(FirstMonth + Months - 1, person.DeathMonth is { } d ? MonthMath.FromYyyymm(d) : int.MaxValue);
            for (var m = first; m <= last; m++)
            {
                months++;
                var age = person.AgeAt(m);
                _personMonthsByAge[Math.Min(age, 120)]++;
                if (age is >= 40 and <= 74) eligibleMonths += weights[MonthMath.CalendarMonth(m) - 1];
            }
        }
        eligible = eligibleMonths / 12;
        return months / 12;
    }

    private readonly double[] _personMonthsByAge = new double[121];
    private readonly double[] _outpatientByAge = new double[121];
    private readonly double[,] _pointsByAgeAndKind = new double[121, 7];
    private readonly double[] _prescriptionsByAge = new double[121];
    private readonly double[] _oralYenByAge = new double[121];

    // Distinct drugs (by code) on each pharmacy receipt.
    private readonly Dictionary<long, int> _drugsOnPharmacyReceipt = [];

    private readonly long[] _linesByDays;

    /// <summary>The share of pharmacy receipts of persons aged from–to that carry at least <paramref name="drugs"/> distinct drugs.</summary>
    public double PharmacyReceiptsWith(int drugs, int from, int to)
    {
        long all = 0, with = 0;
        foreach (var (id, receipt) in _receipts)
        {
            if (receipt.Kind != 4 || receipt.Age < from || receipt.Age > to) continue;
            all++;
            if (_drugsOnPharmacyReceipt.GetValueOrDefault(id) >= drugs) with++;
        }
        return all == 0 ? double.NaN : with / (double)all;
    }

    /// <summary>Yen of oral drugs (内服, 診療識別 21) on pharmacy receipts per person-year at ages from–to.</summary>
    public double OralYenPerPersonYear(int from, int to) =>
        Enumerable.Range(from, Math.Min(to, 120) - from + 1).Sum(a => _oralYenByAge[a]) / Math.Max(1e-9, PersonYearsAged(from, to));

    // Per duplicates group, person, month and ingredient (YJ code's first 7 characters) prescribed to an outpatient:
    // the first prescribing facility, and whether another one prescribed it too.
    private readonly Dictionary<(int Group, int Person, int Month, string Ingredient), (int Facility, bool Duplicate)> _ingredients = [];

    /// <summary>
    /// The share of a duplicates group's (calibration.json prescribing.duplicates) outpatient user-ingredients (person,
    /// month, ingredient) that two or more facilities prescribed: a pharmacy line's prescriber, else the receipt's facility.
    /// </summary>
    public double DuplicateShare(int group)
    {
        long all = 0, duplicates = 0;
        foreach (var (key, value) in _ingredients)
        {
            if (key.Group != group) continue;
            all++;
            if (value.Duplicate) duplicates++;
        }
        return all == 0 ? double.NaN : duplicates / (double)all;
    }

    private void CountIngredient(short drugClass, int person, int month, string ingredient, int facility)
    {
        var groups = Model.Calibration.Duplicates.Groups;
        for (var g = 0; g < groups.Count; g++)
        {
            if (!groups[g].DrugClasses.Contains(drugClass)) continue;
            var key = (g, person, month, ingredient);
            if (!_ingredients.TryGetValue(key, out var seen)) _ingredients[key] = (facility, false);
            else if (!seen.Duplicate && seen.Facility != facility) _ingredients[key] = (seen.Facility, true);
        }
    }

    /// <summary>The share of oral drug lines prescribed for the days of <paramref name="bucket"/> (calibration.json prescribing.days).</summary>
    public double OralLinesShare(int bucket) => _linesByDays[bucket] / (double)Math.Max(1, _linesByDays.Sum());

    // Generic units and units of products with a choice: [0] all, [1 + prefecture], [^1] children (the first generics age group).
    private readonly double[] _genericUnits = new double[50];
    private readonly double[] _choiceUnits = new double[50];

    /// <summary>The generic share by quantity of all dispensing, of one prefecture's facilities, or (-1) of children (the first generics age group).</summary>
    public double GenericShare(int prefecture = 0)
    {
        var slot = prefecture switch { 0 => 0, -1 => _choiceUnits.Length - 1, _ => 1 + prefecture };
        return _genericUnits[slot] / Math.Max(1e-9, _choiceUnits[slot]);
    }

    /// <summary>Points of receipts of the given claim kinds (all when none) of persons aged from–to, by the receipt's age.</summary>
    public double Points(int from, int to, params sbyte[] kinds)
    {
        var sum = 0.0;
        for (var age = from; age <= Math.Min(to, 120); age++)
            for (var kind = 1; kind < 7; kind++)
                if (kinds.Length == 0 || kinds.Contains((sbyte)kind)) sum += _pointsByAgeAndKind[age, kind];
        return sum;
    }

    /// <summary>Prescriptions pharmacies filled (their receipts' days) per person-year at ages <paramref name="from"/> to <paramref name="to"/>.</summary>
    public double PrescriptionsPerPersonYear(int from, int to) =>
        Enumerable.Range(from, Math.Min(to, 120) - from + 1).Sum(a => _prescriptionsByAge[a]) / Math.Max(1e-9, PersonYearsAged(from, to));

    /// <summary>Person-years lived in the window at ages from–to.</summary>
    public double PersonYearsAged(int from, int to) => Enumerable.Range(from, Math.Min(to, 120) - from + 1).Sum(a => _personMonthsByAge[a]) / 12;

    public bool WindowHasWinter => Enumerable.Range(FirstMonth, Months).Count(m => MonthMath.CalendarMonth(m) is 12 or <= 3) >= 3;

    /// <summary>Outpatient receipts per person-year of persons aged from–to.</summary>
    public double OutpatientRate(int from, int to) =>
        Enumerable.Range(from, Math.Min(to, 120) - from + 1).Sum(a => _outpatientByAge[a])
        / Math.Max(1e-9, Enumerable.Range(from, Math.Min(to, 120) - from + 1).Sum(a => _personMonthsByAge[a]) / 12);

    /// <summary>The calibrated outpatient rate for ages from–to, weighted by this dataset's own person-months at each age.</summary>
    public double ExpectedOutpatientRate(int from, int to)
    {
        var ages = Enumerable.Range(from, Math.Min(to, 120) - from + 1).ToArray();
        return ages.Sum(a => _personMonthsByAge[a] * Model.Calibration.OutpatientClaimsByAge[AgeBands.Of(a)])
               / Math.Max(1e-9, ages.Sum(a => _personMonthsByAge[a]));
    }

    /// <summary>The calibrated prevalence for persons of one sex aged fromAge+, weighted by this dataset's own ages at the start.</summary>
    public double ExpectedPrevalence(double[] curve, bool male, int fromAge)
    {
        var group = Truth.Persons.Where(p => p.FirstMonth == FirstMonthYyyymm && (p.Sex == 1) == male && p.AgeAt(FirstMonth) >= fromAge).ToArray();
        return group.Length == 0 ? double.NaN : group.Average(p => curve[AgeBands.Of(p.AgeAt(FirstMonth))]);
    }

    private void ScanReceipts(Dataset dataset)
    {
        long receipts = 0, id5Missing = 0, synthetic = 0, withTruth = 0;
        var outpatientPoints = new List<int>();
        foreach (var partition in dataset.Table("receipts").Partitions)
        {
            var ids = partition.Column("receipt_id").Values<long>();
            var kinds = partition.Column("claim_kind").Values<sbyte>();
            var totals = partition.Column("total_points").Values<int>();
            var facilities = partition.Column("facility_id").Values<int>();
            var ages = partition.Column("age").Values<short>();
            var days = partition.Column("actual_days").Values<short>();
            var prefectures = partition.Column("prefecture");
            var prefectureValues = prefectures.Values<sbyte>();
            var id5 = partition.Column("id5");
            for (var r = 0; r < partition.RowCount; r++)
            {
                receipts++;
                ClaimsByKind[kinds[r]]++;
                PointsByKind[kinds[r]] += totals[r];
                _pointsByAgeAndKind[Math.Clamp((int)ages[r], 0, 120), kinds[r]] += totals[r];
                if (kinds[r] == 4) _prescriptionsByAge[Math.Clamp((int)ages[r], 0, 120)] += days[r];
                if (kinds[r] == 2)
                {
                    outpatientPoints.Add(totals[r]);
                    _outpatientByAge[Math.Clamp((int)ages[r], 0, 120)]++;
                }
                if (id5.IsNull(r)) id5Missing++;
                if (facilities[r] >= FacilityDirectory.SyntheticBase) synthetic++;
                if (Truth.ReceiptPerson.ContainsKey(ids[r])) withTruth++;
                _receipts[ids[r]] = (partition.Key, totals[r], 0, prefectures.IsNull(r) ? (sbyte)0 : prefectureValues[r], ages[r], kinds[r], facilities[r]);
            }
        }
        var mean = outpatientPoints.Count > 0 ? outpatientPoints.Average() : 0;
        OutpatientAboveThreeMeans = outpatientPoints.Count(p => p > 3 * mean) / (double)Math.Max(1, outpatientPoints.Count);
        Id5Missing = id5Missing / (double)Math.Max(1, receipts);
        SyntheticFacilities = synthetic / (double)Math.Max(1, receipts);
        RowsWithTruth = withTruth;
        var checkups = dataset.Table("checkups");
        foreach (var partition in checkups.Partitions)
        {
            var ids = partition.Column("checkup_id").Values<long>();
            for (var r = 0; r < partition.RowCount; r++)
                if (Truth.CheckupPerson.ContainsKey(ids[r])) RowsWithTruth++;
        }
        RowsWithTruth /= Math.Max(1, receipts + checkups.RowCount);
    }

    private void ScanLines(Dataset dataset)
    {
        long lines = 0, orphans = 0, slips = 0, inhouse = 0;
        var fees = Model.Clinical.Fees;
        foreach (var table in new[] { "procedures", "drugs", "devices", "dpc" })
        {
            foreach (var partition in dataset.Table(table).Partitions)
            {
                var ids = partition.Column("receipt_id").Values<long>();
                var isDpc = table == "dpc";
                var points = partition.Column(isDpc ? "bundled_points" : "points");
                var pointValues = points.Values<int>();
                var times = isDpc ? default : partition.Column("times").Values<short>();
                var codes = isDpc ? null : partition.Column("code");
                var slipId = codes?.Dictionary.IdOf(fees.PrescriptionSlip.Code) ?? -1;
                var inhouseId = codes?.Dictionary.IdOf(fees.InhousePrescription.Code) ?? -1;
                var codeValues = codes is null ? default : codes.Values<int>();
                for (var r = 0; r < partition.RowCount; r++)
                {
                    lines++;
                    if (!_receipts.TryGetValue(ids[r], out var receipt) || receipt.Month != partition.Key)
                    {
                        orphans++;
                        continue;
                    }
                    var amount = points.IsNull(r) ? 0L : pointValues[r] * (long)(isDpc ? 1 : times[r]);
                    _receipts[ids[r]] = receipt with { Lines = receipt.Lines + amount };
                    if (table != "procedures") continue;
                    if (codeValues[r] == slipId) slips += times[r];
                    else if (codeValues[r] == inhouseId) inhouse += times[r];
                }
                if (table != "drugs") continue;
                var classes = partition.Column("drug_class").Values<short>();
                var drugCodes = partition.Column("code");
                var glucoseIds = _glucoseCodes.Select(drugCodes.Dictionary.IdOf).Where(id => id >= 0).ToHashSet();
                var drugIds = drugCodes.Values<int>();
                var quantities = partition.Column("quantity").Values<float>();
                var shikibetsu = partition.Column("shinryo_shikibetsu").Values<sbyte>();
                var daysRules = Model.Calibration.PrescriptionDays;
                var childUpTo = Model.Calibration.Generics.AgeGroups.Skip(1).FirstOrDefault(15);
                var yj = partition.Column("yj_code");
                var yjIds = yj.Values<int>();
                var ingredients = Enumerable.Range(0, yj.Dictionary.Count).Select(id => yj.Dictionary[id] is { Length: >= 7 } code ? code[..7] : null).ToArray();
                var prescribers = partition.Column("prescriber_id");
                var prescriberIds = prescribers.Values<int>();
                // Per dictionary id: 2 a generic with a brand, 1 a brand with a generic, 0 no choice.
                var choice = Enumerable.Range(0, drugCodes.Dictionary.Count)
                    .Select(id => Model.Masters.GenericChoices.TryGetValue(drugCodes.Dictionary[id], out var generic) ? generic ? 2 : 1 : 0).ToArray();
                // A receipt's lines lie in its month's partition, so distinct drugs are counted a partition at a time.
                var pharmacyLines = new HashSet<(long Receipt, int Code)>();
                for (var r = 0; r < partition.RowCount; r++)
                {
                    if (!_receipts.TryGetValue(ids[r], out var dispensed)) continue;
                    if (dispensed.Kind == 4)
                    {
                        if (pharmacyLines.Add((ids[r], drugIds[r])))
                            _drugsOnPharmacyReceipt[ids[r]] = _drugsOnPharmacyReceipt.GetValueOrDefault(ids[r]) + 1;
                        if (shikibetsu[r] == 21 && !points.IsNull(r)) _oralYenByAge[Math.Clamp((int)dispensed.Age, 0, 120)] += pointValues[r] * 10.0 * times[r];
                    }
                    // An oral drug's times are its days (内服, 診療識別 21) where it was prescribed, not given on a ward.
                    if (shikibetsu[r] == 21 && dispensed.Kind is 2 or 4) _linesByDays[daysRules.BucketOf(times[r])]++;
                    if (choice[drugIds[r]] != 0)
                    {
                        // Quantity as the price list counts it: units a day × days.
                        var units = quantities[r] * (double)times[r];
                        var generic = choice[drugIds[r]] == 2 ? units : 0;
                        _genericUnits[0] += generic;
                        _choiceUnits[0] += units;
                        _genericUnits[1 + dispensed.Prefecture] += generic;
                        _choiceUnits[1 + dispensed.Prefecture] += units;
                        if (dispensed.Age < childUpTo)
                        {
                            _genericUnits[^1] += generic;
                            _choiceUnits[^1] += units;
                        }
                    }
                    if (!Truth.ReceiptPerson.TryGetValue(ids[r], out var person)) continue;
                    if (dispensed.Kind is 2 or 4 && !yj.IsNull(r) && ingredients[yjIds[r]] is { } ingredient)
                        CountIngredient(classes[r], person, partition.Key, ingredient, prescribers.IsNull(r) ? dispensed.Facility : prescriberIds[r]);
                    if (classes[r] == 396) _class396Persons.Add(person);
                    if (glucoseIds.Contains(drugIds[r])) _glucoseDrugPersons.Add(person);
                }
            }
        }
        LinesWithReceipt = 1 - orphans / (double)Math.Max(1, lines);
        TotalsMatching = _receipts.Values.Count(r => r.Total == r.Lines) / (double)Math.Max(1, _receipts.Count);
        OutsidePrescriptionShare = slips / (double)Math.Max(1, slips + inhouse);
    }

    /// <summary>Persons with a non-suspected diagnosis of each condition in the window, by the condition's ICD-10 prefixes.</summary>
    private readonly Dictionary<string, HashSet<int>> _diagnosedInClaims = [];

    /// <summary>
    /// Share of persons alive at the start, aged 40+, whose claims carry the condition's diagnosis, against what the
    /// calibration expects: prevalence × the share diagnosed (conditions ↔ diagnoses).
    /// </summary>
    public (double Expected, double Observed) DiagnosedInClaims(ClinicalDefinition condition)
    {
        var prevalence = Model.Calibration.Prevalence[condition.Id];
        var group = Truth.Persons.Where(p => p.FirstMonth == FirstMonthYyyymm && p.AgeAt(FirstMonth) >= 40).ToArray();
        var expected = group.Average(p => prevalence.For(p.Sex == 1)[AgeBands.Of(p.AgeAt(FirstMonth))]) * prevalence.DiagnosedShare;
        var persons = _diagnosedInClaims.GetValueOrDefault(condition.Id) ?? [];
        return (expected, group.Count(p => persons.Contains(p.Person)) / (double)group.Length);
    }

    /// <summary>
    /// The condition's ICD-10 prefixes that no other condition uses, or none when its diagnoses use only shared ones:
    /// such a condition (dialysis, coded N18 like the CKD it requires) is told apart in claims by procedures, not
    /// codes. Conditions that require this one are subsets of it and do not count as others.
    /// </summary>
    public IReadOnlyList<string> DistinctivePrefixes(ClinicalDefinition condition)
    {
        var requires = Model.Calibration.Requires;
        var others = Model.Clinical.Conditions
            .Where(c => c != condition && requires.GetValueOrDefault(c.Id) != condition.Id)
            .SelectMany(c => c.Icd10).ToHashSet();
        var own = condition.Icd10.Where(p => !others.Contains(p)).ToArray();
        return condition.Diagnoses.Items.Any(d => own.Any(p => d.Icd10.StartsWith(p, StringComparison.Ordinal))) ? own : [];
    }

    private void ScanDiagnoses(Dataset dataset)
    {
        var conditions = Model.Clinical.Conditions;
        long lines = 0, suspected = 0, winter = 0;
        foreach (var partition in dataset.Table("diagnoses").Partitions)
        {
            var ids = partition.Column("receipt_id").Values<long>();
            var suspect = partition.Column("is_suspected").Values<bool>();
            var icd10 = partition.Column("icd10");
            var dictionary = icd10.Dictionary;
            var indications = GlucoseLoweringDrugs.Class396Indications(Model).Select(dictionary.PrefixRange).ToArray();
            var conditionRanges = conditions.Select(c => DistinctivePrefixes(c).Select(dictionary.PrefixRange).ToArray()).ToArray();
            var (j09, j12) = (dictionary.PrefixRange("J09").Start, dictionary.PrefixRange("J11").End);
            var codes = icd10.Values<int>();
            var calendar = partition.Key % 100;
            for (var r = 0; r < partition.RowCount; r++)
            {
                lines++;
                if (suspect[r]) suspected++;
                if (icd10.IsNull(r) || suspect[r]) continue;
                var code = codes[r];
                if (!Truth.ReceiptPerson.TryGetValue(ids[r], out var person)) continue;
                if (Array.Exists(indications, range => code >= range.Start && code < range.End)) _class396IndicationPersons.Add(person);
                for (var c = 0; c < conditionRanges.Length; c++)
                {
                    if (!Array.Exists(conditionRanges[c], range => code >= range.Start && code < range.End)) continue;
                    if (!_diagnosedInClaims.TryGetValue(conditions[c].Id, out var set)) _diagnosedInClaims[conditions[c].Id] = set = [];
                    set.Add(person);
                }
                if (code >= j09 && code < j12)
                {
                    InfluenzaTotal++;
                    if (calendar is 12 or <= 3) winter++;
                }
            }
        }
        SuspectedShare = suspected / (double)Math.Max(1, lines);
        InfluenzaWinterShare = winter / (double)Math.Max(1, InfluenzaTotal);
        // With no one on such drugs there is nothing to check: NaN, which no tolerance accepts.
        DiabetesDrugsWithDiagnosis = _class396Persons.Count == 0
            ? double.NaN
            : _class396Persons.Count(_class396IndicationPersons.Contains) / (double)_class396Persons.Count;
    }

    private void ScanCheckups(Dataset dataset)
    {
        var rules = new GuidanceRules(Model.Schema);
        long medGlucose = 0, medGlucoseWithDrugs = 0, examinees = 0;
        double treatedSum = 0, otherSum = 0;
        long treatedCount = 0, otherCount = 0;
        foreach (var partition in dataset.Table("checkups").Partitions)
        {
            var ids = partition.Column("checkup_id").Values<long>();
            var columns = partition.Columns.ToDictionary(c => c.Schema.Name);
            var sex = columns["sex"].Values<sbyte>();
            for (var r = 0; r < partition.RowCount; r++)
            {
                examinees++;
                double? Value(string name) => columns.TryGetValue(name, out var column) && !column.IsNull(r)
                    ? Convert.ToDouble(column.GetValue(r) is bool b ? (b ? 1 : 0) : column.GetValue(r))
                    : null;
                var male = sex[r] == 1;
                var hba1c = Value("hba1c") ?? 0;
                if (Value("med_glucose") is > 0)
                {
                    medGlucose++;
                    if (Truth.CheckupPerson.TryGetValue(ids[r], out var person) && _glucoseDrugPersons.Contains(person)) medGlucoseWithDrugs++;
                    treatedSum += hba1c;
                    treatedCount++;
                }
                else
                {
                    otherSum += hba1c;
                    otherCount++;
                }
                Count("bpAtOrAboveGuidance", rules.RiskMet("blood_pressure", Value));
                Count("glucoseAtOrAboveGuidance", rules.RiskMet("glucose", Value));
                Count("lipidAtOrAboveGuidance", rules.RiskMet("lipid", Value) || Value("ldl") >= 120);
                Count("obesityCriterion", rules.Obesity(male, Value) is not null);
                Count("guidanceEligible", Value("guidance_level") >= 2);
                Count(male ? "waistMale" : "waistFemale", Value("waist") >= (male ? 85 : 90));
            }
        }
        _checkupRates["participation"] = (examinees, (long)Math.Round(CheckupEligiblePersonYears));
        MedGlucoseWithDrugs = medGlucose == 0 ? double.NaN : medGlucoseWithDrugs / (double)medGlucose;
        Hba1cGap = treatedSum / Math.Max(1, treatedCount) - otherSum / Math.Max(1, otherCount);
    }

    private void Count(string metric, bool hit)
    {
        var (hits, count) = _checkupRates.GetValueOrDefault(metric);
        _checkupRates[metric] = (hits + (hit ? 1 : 0), count + 1);
    }

    public double? CheckupRate(string metric) =>
        _checkupRates.TryGetValue(metric, out var rate) && rate.Count > 0 ? rate.Hits / (double)rate.Count : null;

    /// <summary>Total variation distance between the claim-kind mix and the national one (inpatient+DPC, outpatient, pharmacy, dental).</summary>
    public double ClaimKindTvd(IReadOnlyDictionary<string, double> perYear)
    {
        double[] target = [perYear["medicalInpatient"] + perYear["dpc"], perYear["medicalOutpatient"], perYear["pharmacy"], perYear["dental"]];
        double[] observed = [ClaimsByKind[1] + ClaimsByKind[3], ClaimsByKind[2], ClaimsByKind[4], ClaimsByKind[5] + ClaimsByKind[6]];
        var (t, o) = (target.Sum(), observed.Sum());
        return 0.5 * target.Select((x, i) => Math.Abs(x / t - observed[i] / Math.Max(1, o))).Sum();
    }

    /// <summary>Share of persons alive at the start, of that sex and age, who truly have the condition then.</summary>
    public double TruePrevalence(string condition, bool male, int from, int to)
    {
        var group = Truth.Persons.Where(p => p.FirstMonth == FirstMonthYyyymm && (p.Sex == 1) == male && p.AgeAt(FirstMonth) >= from && p.AgeAt(FirstMonth) <= to).ToArray();
        var onsets = Truth.ConditionOnsets.GetValueOrDefault(condition);
        return group.Count(p => onsets is not null && onsets.TryGetValue(p.Person, out var onset) && onset <= FirstMonthYyyymm) / (double)Math.Max(1, group.Length);
    }
}
