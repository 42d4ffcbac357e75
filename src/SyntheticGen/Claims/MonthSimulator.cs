using System.Numerics;
using Claims.Engine.Population;
using Claims.Engine.Schema;
using Claims.SyntheticGen.Checkups;
using Claims.SyntheticGen.Facilities;
using Claims.SyntheticGen.Model;
using Claims.SyntheticGen.Output;
using Claims.SyntheticGen.Population;
using Claims.SyntheticGen.Randomness;

namespace Claims.SyntheticGen.Claims;

/// <summary>
/// Lives one person through one month: identity events (a new insurer, turning 75, marriage), death, and the
/// care that month brings — follow-up of treated chronic conditions, seasonal acute episodes, minor complaints,
/// dental care, admissions — assembled into one receipt per facility (plus the pharmacy's receipt for
/// prescriptions filled outside), then a checkup in the person's exam month. One simulator per worker thread.
/// </summary>
public sealed class MonthSimulator
{

    private readonly GeneratorModel _model;
    private readonly PersonFactory _factory;
    private readonly FacilityDirectory _facilities;
    private readonly PilotCalibration _rates;
    private readonly CheckupModel _checkups;
    private readonly ulong _seed;
    private readonly TestOption[] _items;
    // By sex (index sex − 1) and age: the minor reasons a person can have, and their oral drugs as co-prescriptions
    // (CoPrescriptionPool), none where no reason has an oral drug.
    private readonly ClinicalDefinition[][][] _minor;
    private readonly Weighted<(ClinicalDefinition Reason, int Drug, double Weight)>?[][] _coPrescriptions;
    private readonly List<ClaimBuilder> _claims = [];
    private readonly List<ClaimBuilder> _spare = [];
    private readonly List<(int Facility, int Day)> _visitDays = [];
    private readonly List<(int Facility, int Months)> _facilityMonths = [];
    private readonly FeeSchedule _fees;
    private readonly IReadOnlyList<ClinicalDefinition> _conditions;
    private readonly HashSet<short> _receiptTypes;

    public MonthSimulator(GeneratorModel model, PersonFactory factory, FacilityDirectory facilities, PilotCalibration rates, ulong seed)
    {
        _model = model;
        _factory = factory;
        _facilities = facilities;
        _rates = rates;
        _seed = seed;
        _fees = model.Clinical.Fees;
        _conditions = model.Clinical.Conditions;
        _checkups = new CheckupModel(model);
        _items = Pool(model, 60).Concat(Pool(model, 70)).ToArray();
        _minor = [.. new[] { 1, 2 }.Select(sex => Enumerable.Range(0, 121).Select(age => model.Clinical.Minor.Where(d => d.Befalls(sex, age)).ToArray()).ToArray())];
        _coPrescriptions = [.. _minor.Select(bySex => bySex.Select((reasons, age) =>
            CoPrescriptionPool(reasons, age, rates.CoPrescriptionLean[model.Calibration.Spending.GroupOf(age)])).ToArray())];
        _receiptTypes = model.Schema.Enum("receipt_type").Values.Select(v => (short)v.Code).ToHashSet();
    }

    /// <summary>
    /// The co-prescriptions of one sex and age: each reason as likely as another and its drugs by their weights, each
    /// times its daily price raised to the age group's lean. The lean moves which complaints are treated along with which
    /// of their drugs: within a complaint the children's choices span too little of the price range to carry their cost.
    /// </summary>
    private static Weighted<(ClinicalDefinition Reason, int Drug, double Weight)>? CoPrescriptionPool(ClinicalDefinition[] reasons, int age,
        double lean)
    {
        var drugs = reasons
            .Select(reason => (Reason: reason, Oral: reason.Drugs?.Items.Select((drug, i) => (drug, i)).Where(x => x.drug.Oral && x.drug.FromAge <= age).ToArray() ?? []))
            .SelectMany(x => x.Oral.Select(o => (x.Reason, o.i,
                o.drug.Weight / x.Oral.Sum(other => other.drug.Weight) * Math.Pow(Math.Max(1, o.drug.YenPerDay), lean))))
            .ToArray();
        return drugs.Length == 0 ? null : new Weighted<(ClinicalDefinition, int, double)>(drugs, x => x.Item3);
    }

    /// <summary>
    /// A count with the given mean whose rate varies from receipt to receipt (Poisson over a lognormal rate, σ 1.4):
    /// most receipts are plain and a few are very heavy, the long right tail of real claims.
    /// </summary>
    private static int Overdispersed(ref Rng rng, double mean) => mean <= 0 ? 0 : rng.Poisson(mean * rng.LogNormal(Math.Exp(-0.98), 1.4));

    /// <summary>Every distinct test item of one 診療識別 in clinical.json (60 laboratory, 70 imaging).</summary>
    private static TestOption[] Pool(GeneratorModel model, int shikibetsu) =>
        model.Clinical.Conditions.Concat(model.Clinical.Acute).Concat(model.Clinical.Minor)
            .SelectMany(d => d.Tests).Where(t => t.Shikibetsu == shikibetsu).DistinctBy(t => t.Code).OrderBy(t => t.Code, StringComparer.Ordinal).ToArray();

    /// <summary>
    /// Product of the mortality multipliers of the conditions the person has, capped: without a cap the few with
    /// many conditions die in the first months and the survivors then die less than the national rates.
    /// </summary>
    public double MortalityMultiplier(Person person, int month)
    {
        var multiplier = 1.0;
        for (var c = 0; c < _conditions.Count; c++)
            if (person.Has(c, month)) multiplier *= _conditions[c].MortalityMultiplier;
        return Math.Min(multiplier, 6);
    }

    public void Simulate(Person person, int month, int monthIndex, ChunkOutput output)
    {
        if (!person.IsAlive(month)) return;
        ref var rng = ref person.Rng;
        var age = person.AgeAt(month);
        var dies = rng.Chance(DeathProbability(person, month, age));
        IdentityEvents(person, month, age, ref rng);
        _claims.Clear();

        ContinueStay(person, month, age, ref rng);
        ChronicCare(person, month, age, ref rng);
        Episodes(person, month, age, ref rng);
        Minor(person, month, age, ref rng);
        Dental(person, month, age, ref rng);
        Admissions(person, month, age, ref rng);
        if (dies) Die(person, month, age, ref rng);
        KeptOpenDiagnoses(person, month);
        Emit(person, month, monthIndex, age, output, ref rng);
        // Insured this month, with the insurer its receipts name: the month of death counts, as it has claims.
        output.Population.Add(new PopulationCell(MonthMath.ToYyyymm(month), person.Prefecture, person.Sex, (short)age, person.InsurerKind));
        _checkups.MaybeExamine(person, month, monthIndex, age, output, _seed);
    }

    private double DeathProbability(Person person, int month, int age)
    {
        var calibration = _model.Calibration;
        var band = AgeBands.Of(age);
        var rate = (person.IsMale ? calibration.MortalityMale : calibration.MortalityFemale)[band] / 100_000.0;
        var multiplier = MortalityMultiplier(person, month);
        var normaliser = _rates.MortalityNormaliser[band * 2 + person.Sex - 1];
        return Math.Min(0.5, rate / 12 * multiplier / normaliser);
    }

    private void IdentityEvents(Person person, int month, int age, ref Rng rng)
    {
        var calibration = _model.Calibration;
        if (age >= 75 && person.InsurerKind != 6)
        {
            _factory.AssignInsurer(person, ref rng, 6);
            person.IdentityChanges++;
        }
        else if (age < 75 && rng.Chance(Calibration.ByBand(calibration.JobChangeAges, calibration.JobChangeRates, age) / 12))
        {
            var kind = age >= 60 && rng.Chance(0.6) ? (sbyte)4 : _factory.InsurerAt(age, ref rng);
            _factory.AssignInsurer(person, ref rng, kind);
            person.IdentityChanges++;
        }
        var marriage = person.IsMale ? calibration.MarriageMale : calibration.MarriageFemale;
        if (rng.Chance(Calibration.ByBand(calibration.MarriageAges, marriage, age) / 12))
        {
            person.FamilyName = _factory.NewFamilyName(ref rng);
            _factory.HashName(person);
            person.IdentityChanges++;
        }
    }

    private ClaimBuilder Claim(int facility, sbyte kind)
    {
        foreach (var claim in _claims)
            if (claim.Facility == facility && claim.Kind == kind) return claim;
        var builder = _spare.Count > _claims.Count ? _spare[_claims.Count] : Add(new ClaimBuilder());
        builder.Reset(facility, kind);
        _claims.Add(builder);
        return builder;

        ClaimBuilder Add(ClaimBuilder b)
        {
            _spare.Add(b);
            return b;
        }
    }

    private static int Day(ref Rng rng, int month) => 1 + rng.Next(MonthMath.Days(month));

    private static int DaysOf(DateOnly date) => DateDays.From(date);

    private static int DaysOf(int month, int day) => DateDays.From(MonthMath.FirstDay(month).AddDays(day - 1));

    /// <summary>
    /// Follow-up of the diagnosed conditions. The conditions one facility treats are seen together: one rhythm for
    /// the facility, one visit day a month, one prescription; a condition diagnosed between the facility's visits is
    /// seen that month and prescribed for until the next.
    /// </summary>
    private void ChronicCare(Person person, int month, int age, ref Rng rng)
    {
        _visitDays.Clear();
        LongestOwnRhythms(person, month);
        for (var c = 0; c < _conditions.Count; c++)
        {
            if (person.Diagnosed[c] > month) continue;
            var condition = _conditions[c];
            var treated = person.Treated[c];
            var facility = FacilityOf(person, condition);
            var (every, monthDays, phase) = treated ? Rhythm(person, facility, c, condition) : (12, 0, UntreatedPhase(person, c));
            // The untreated diagnosed are seen when diagnosed and once a year; the treated when their prescription runs out.
            var untilDue = (every - (month + phase) % every) % every;
            var visit = (month + phase) / every;
            if ((untilDue != 0 && person.Diagnosed[c] != month) || person.Stay is not null) continue;
            var days = Math.Min(90, (untilDue == 0 ? every : untilDue) * monthDays);
            var claim = Claim(facility, 2);
            var day = VisitDay(facility, month, ref rng);
            if (condition.Setting == "dialysis")
            {
                for (var d = 1 + rng.Next(2); d <= MonthMath.Days(month); d += 2) claim.AddDay(d);
            }
            else claim.AddDay(day);
            if (person.Diagnosed[c] == month) claim.FirstVisit = true;
            claim.ChronicManaged |= condition.Setting is "clinic" or "specialist";
            var diagnosis = condition.Diagnoses.Items[person.DiagnosisChoice[c]];
            claim.AddDiagnosis(diagnosis.Code, diagnosis.Icd10, DaysOf(MonthMath.FirstDay(person.Diagnosed[c])), 1);
            foreach (var test in condition.Tests)
            {
                // Every so many visits that the test comes about as often as its months say, whatever the rhythm.
                var visitsPerTest = Math.Max(1, (int)Math.Ceiling(test.EveryMonths / (double)every));
                if (visit % visitsPerTest == 0 && rng.Chance(test.Probability))
                    claim.AddItem(ItemTable.Procedure, test.Shikibetsu, test.Code, 1, test.Points, 1, day);
            }
            if (!treated) continue;
            foreach (var item in condition.Procedures)
                claim.AddItem(ItemTable.Procedure, item.Shikibetsu, item.Code, 1, item.Points, item.TimesPerMonth, claim.FirstDay);
            foreach (var item in condition.Devices)
                claim.AddItem(ItemTable.Device, item.Shikibetsu, item.Code, 1, item.Points, item.TimesPerMonth, claim.FirstDay);
            if (person.Regimens[c].Length > 0)
                Prescribe(person, month, claim, condition, person.Regimens[c], days, day, ref rng);
        }
    }

    /// <summary>
    /// How a facility follows a person's treated conditions: every how many months, with how many days of drugs a
    /// month, in which phase. A person's prescription covers one, two or three months (calibration.json
    /// prescribing.days; never less than the longest own rhythm of the conditions the facility treats, so cataract
    /// stays three-monthly and what is seen with it too), at 28 or 30 days a month; dialysis keeps its unit's rhythm.
    /// Drawn from a hash of the person and facility, so the person's own stream is untouched and the rhythm stays the
    /// same month after month for everything the facility treats.
    /// </summary>
    private (int Every, int MonthDays, int Phase) Rhythm(Person person, int facility, int condition, ClinicalDefinition definition)
    {
        var own = Math.Max(1, definition.VisitEveryMonths);
        if (definition.Setting == "dialysis") return (own, 28, person.Phase[condition]);
        var key = Rng.Mix(_seed ^ Rng.Mix(((ulong)person.Index << 32) ^ (ulong)facility ^ 0x5052455343UL));
        var rules = _model.Calibration.PrescriptionDays;
        var longest = 1;
        foreach (var (seen, ownMonths) in _facilityMonths)
            if (seen == facility) longest = ownMonths;
        var months = Math.Max(longest, rules.Months(Rng.Unit(key)));
        var thirty = Rng.Unit(Rng.Mix(key)) < rules.ThirtyDayShare;
        return (months, thirty ? 30 : 28, (int)(Rng.Mix(key ^ 0x50484153UL) % (ulong)months));
    }

    private static int FacilityOf(Person person, ClinicalDefinition condition) => condition.Setting switch
    {
        "hospital" or "dialysis" => person.Hospital,
        "specialist" => person.Specialist,
        _ => person.Clinic,
    };

    /// <summary>
    /// By facility, the longest own rhythm among the treated conditions it follows (cataract's three months), which
    /// the facility's rhythm never undercuts, so everything it treats is seen on one rhythm.
    /// </summary>
    private void LongestOwnRhythms(Person person, int month)
    {
        _facilityMonths.Clear();
        for (var c = 0; c < _conditions.Count; c++)
        {
            var condition = _conditions[c];
            if (person.Diagnosed[c] > month || !person.Treated[c] || condition.Setting == "dialysis") continue;
            var (facility, own) = (FacilityOf(person, condition), Math.Max(1, condition.VisitEveryMonths));
            var i = _facilityMonths.FindIndex(f => f.Facility == facility);
            if (i < 0) _facilityMonths.Add((facility, own));
            else if (_facilityMonths[i].Months < own) _facilityMonths[i] = (facility, own);
        }
    }

    /// <summary>The calendar month (as a phase of 12) an untreated diagnosed condition is seen each year, from a hash.</summary>
    private int UntreatedPhase(Person person, int condition) =>
        (int)(Rng.Mix(_seed ^ Rng.Mix(((ulong)person.Index << 8) ^ (ulong)condition ^ 0x554E5452UL)) % 12);

    /// <summary>The day of this month's chronic-care visit to a facility: one visit sees every condition it treats.</summary>
    private int VisitDay(int facility, int month, ref Rng rng)
    {
        foreach (var (seen, day) in _visitDays)
            if (seen == facility) return day;
        var drawn = Day(ref rng, month);
        _visitDays.Add((facility, drawn));
        return drawn;
    }

    /// <summary>A prescription: to a pharmacy where the facility prescribes outside, else dispensed on the facility's own claim.</summary>
    private void Prescribe(Person person, int month, ClaimBuilder claim, ClinicalDefinition definition, int[] regimen, int days, int day,
        ref Rng rng)
    {
        var outside = _facilities.PrescribesOutside(claim.Facility);
        var target = claim;
        // Conditions seen at one visit share its prescription: one slip, one set of co-prescriptions.
        var slip = claim.NewPrescription(day);
        if (outside)
        {
            if (slip) claim.OutsidePrescriptions++;
            // Most fill it by the prescriber's door; some always at their own family pharmacy (かかりつけ).
            var family = Rng.Mix((ulong)person.Index * 7919 + (ulong)claim.Facility) % 10 < 3;
            target = Claim(family ? person.Pharmacy : _facilities.PharmacyNear(claim.Facility), 4);
            target.AddDay(day);
        }
        else if (slip) claim.InhousePrescriptions++;
        // A pharmacy's line names its prescriber, as 調剤 receipts do; a medical receipt's prescriber is its own facility.
        var prescriber = outside ? claim.Facility : 0;
        foreach (var index in regimen)
            Supply(target, Dispensed(definition.Drugs!.Items[index], person, claim.Facility, target.Facility, month), person, month, days, day, prescriber);
        // Symptomatic co-prescriptions, each with the complaint it treats on the prescribing receipt.
        var pool = _coPrescriptions[person.Sex - 1][Math.Min(person.AgeAt(month), 120)];
        for (var n = slip && pool is not null ? rng.Poisson(CoPrescriptions(person, month)) : 0; n > 0; n--)
        {
            var (complaint, index, _) = pool!.Draw(ref rng);
            var drug = Dispensed(complaint.Drugs!.Items[index], person, claim.Facility, target.Facility, month);
            var diagnosis = complaint.Diagnoses.Draw(ref rng);
            claim.AddDiagnosis(diagnosis.Code, diagnosis.Icd10, DaysOf(month, day), 1);
            Supply(target, drug, person, month, days, day, prescriber);
        }
    }

    /// <summary>
    /// An oral drug is billed a day's dose (a child's share of it) times the days; any other as the whole supply once
    /// (a tube, an inhaler, vials).
    /// </summary>
    private void Supply(ClaimBuilder target, DrugOption drug, Person person, int month, int days, int day, int prescriber)
    {
        if (drug.Oral)
        {
            var (quantity, points) = drug.Dose(_model.Calibration.ChildDoses.Fraction(person.AgeAt(month)));
            target.AddItem(ItemTable.Drug, 21, drug.Code, quantity, points, days, day, drug.Yj, drug.DrugClass, prescriber);
        }
        else
            target.AddItem(ItemTable.Drug, 23, drug.Code, drug.DailyQuantity * days, drug.PointsFor(days), 1, day, drug.Yj, drug.DrugClass, prescriber);
    }

    /// <summary>
    /// Mean co-prescriptions on this person's prescriptions: the rate calibrated for the person's age group, times the
    /// person's own propensity, exponential with mean 1 and fixed for life (from a hash, costing the person's stream
    /// nothing): some take many drugs month after month and most few, as the long tail of drugs per pharmacy receipt has it.
    /// </summary>
    private double CoPrescriptions(Person person, int month)
    {
        var propensity = -Math.Log(1 - Rng.Unit(Rng.Mix(_seed ^ Rng.Mix(((ulong)person.Index << 8) ^ 0x434F50UL))));
        return _rates.CoPrescriptions[_model.Calibration.Spending.GroupOf(person.AgeAt(month))] * propensity;
    }

    /// <summary>
    /// The product dispensed for a prescribed drug: where the master lists both brands and generics of it, a generic
    /// with the share of the dispensing facility's prefecture, the person's age and the prescriber's kind
    /// (calibration.json prescribing.generics), else a brand. The draw is the person's own for the product (one
    /// stays on what they were given, as patients do), taken from a hash so it costs the person's stream nothing.
    /// A young child is given the ingredient's powder or syrup where there is one (calibration.json prescribing.children).
    /// </summary>
    private DrugOption Dispensed(DrugOption drug, Person person, int prescriber, int dispenser, int month)
    {
        if (drug.Child is { } child && person.AgeAt(month) < _model.Calibration.ChildDoses.PowdersUnder) drug = child;
        if (drug.Generics.Count == 0) return drug;
        var key = Rng.Mix(_seed ^ Rng.Mix(((ulong)person.Index << 32) ^ drug.Key));
        var share = _model.Calibration.Generics.Share(FacilityDirectory.PrefectureOf(dispenser), person.AgeAt(month), FacilityDirectory.KindOf(prescriber));
        var products = Rng.Unit(key) < share ? drug.Generics : drug.Brands;
        return products[(int)(Rng.Mix(key) % (ulong)products.Count)];
    }

    /// <summary>Acute episodes, at their age-specific rates and in their season.</summary>
    private void Episodes(Person person, int month, int age, ref Rng rng)
    {
        var calibration = _model.Calibration;
        var band = AgeBands.Of(age);
        var calendar = MonthMath.CalendarMonth(month) - 1;
        var duplicates = calibration.Duplicates;
        foreach (var definition in _model.Clinical.Acute)
        {
            if (!calibration.EpisodesPerPersonYear.TryGetValue(definition.Id, out var perYear)) continue;
            var weight = calibration.SeasonWeights.TryGetValue(definition.Id, out var season) ? season[calendar] : 1;
            if (!rng.Chance(perYear[band] / 12 * weight)) continue;
            if (definition.Inpatient is { } inpatient && person.Stay is null && rng.Chance(inpatient.Probability))
                Admit(person, month, age, definition, ref rng);
            else
            {
                var prescribing = Math.Max(1, Prescribing(age));
                var regimen = Outpatient(person, month, definition, age >= 65 && definition.Id.Contains("fracture") ? person.Hospital : person.Clinic,
                    prescribing, ref rng);
                // Some take a cold to a second clinic as well, which prescribes the same standard drugs for it again: one
                // ingredient from two facilities in a month (calibration.json prescribing.duplicates).
                // A draw of the person's own clinic is no second clinic: that visit is not made.
                if (regimen is not null && duplicates.SecondClinicEpisodes.Contains(definition.Id) && rng.Chance(duplicates.SecondClinicChance)
                    && _facilities.Pick(FacilityDirectory.PrefectureOf(person.Clinic), FacilityKind.Clinic, ref rng) is var second && second != person.Clinic)
                    Outpatient(person, month, definition, second, prescribing, ref rng, regimen);
            }
        }
    }

    private void Minor(Person person, int month, int age, ref Rng rng)
    {
        var minor = _minor[person.Sex - 1][Math.Min(age, 120)];
        if (minor.Length == 0) return;
        for (var n = rng.Poisson(_rates.Minor[AgeBands.Of(age)] / 12); n > 0; n--)
        {
            // Most minor complaints go to some other clinic than the person's own (dermatology, ENT, orthopaedics …).
            var facility = rng.Chance(0.7) ? _facilities.Pick(FacilityDirectory.PrefectureOf(person.Clinic), FacilityKind.Clinic, ref rng) : person.Specialist;
            Outpatient(person, month, minor[rng.Next(minor.Length)], facility, Prescribing(age), ref rng);
        }
    }

    private double Prescribing(int age) => _rates.Prescribing[_model.Calibration.Spending.GroupOf(age)];

    /// <summary>
    /// An outpatient episode: first-visit fee, the diagnosis (sometimes kept open for months), tests and prescriptions.
    /// <paramref name="prescribing"/> up to 1 is the chance the first visit prescribes; above 1, the excess is the chance
    /// a later visit prescribes again once the last supply has run out, as children's doctors do from visit to visit.
    /// The drugs are <paramref name="given"/> (another clinic's for the same episode) or drawn; returns them, or null when
    /// nothing was prescribed.
    /// </summary>
    private int[]? Outpatient(Person person, int month, ClinicalDefinition definition, int facility, double prescribing, ref Rng rng,
        int[]? given = null)
    {
        if (person.Stay is not null) return null;
        var claim = Claim(facility, 2);
        claim.FirstVisit = true;
        var day = Day(ref rng, month);
        var visits = rng.Between(definition.Visits.Min, definition.Visits.Max);
        Span<int> visitDays = stackalloc int[Math.Max(1, visits)];
        for (var v = 0; v < visits; v++)
        {
            visitDays[v] = v == 0 ? day : Math.Min(MonthMath.Days(month), visitDays[v - 1] + rng.Between(1, 7));
            claim.AddDay(visitDays[v]);
        }
        var diagnosis = definition.Diagnoses.Draw(ref rng);
        var start = DaysOf(month, day);
        claim.AddDiagnosis(diagnosis.Code, diagnosis.Icd10, start, rng.Chance(0.5) ? (sbyte)2 : (sbyte)1);
        if (definition.Suspected is { } suspected && rng.Chance(0.3))
            claim.AddDiagnosis(suspected.Code, suspected.Icd10, start, 1, suspected: true);
        if (rng.Chance(0.3))
            person.OpenDiagnoses.Add(new OpenDiagnosis(facility, diagnosis.Code, diagnosis.Icd10, MonthMath.FirstDay(month).AddDays(day - 1), month + rng.Between(2, 24)));
        foreach (var test in definition.Tests)
            if (rng.Chance(test.Probability)) claim.AddItem(ItemTable.Procedure, test.Shikibetsu, test.Code, 1, test.Points, 1, day);
        if (definition.Drugs is null || definition.MaxLines == 0 || !rng.Chance(prescribing)) return null;
        var distinct = given ?? definition.DrawRegimen(ref rng, person.AgeAt(month));
        // None of the definition's drugs is for the person's age: nothing is prescribed.
        if (distinct.Length == 0) return null;
        var days = _model.Calibration.PrescriptionDays.Episode(definition.Days, rng.NextDouble());
        Prescribe(person, month, claim, definition, distinct, days, day, ref rng);
        // Prescribed again at a later visit only once the last supply has run out.
        for (var (v, runsOut) = (1, day + days); v < visits; v++)
        {
            if (visitDays[v] < runsOut || !rng.Chance(prescribing - 1)) continue;
            Prescribe(person, month, claim, definition, distinct, days, visitDays[v], ref rng);
            runsOut = visitDays[v] + days;
        }
        return distinct;
    }


    private void Dental(Person person, int month, int age, ref Rng rng)
    {
        var dental = _model.Clinical.Dental;
        if (dental.Count == 0 || person.Stay is not null || !rng.Chance(_rates.Dental[AgeBands.Of(age)] / 12)) return;
        var definition = dental[rng.Next(dental.Count)];
        var claim = Claim(person.Dental, 6);
        var day = Day(ref rng, month);
        var visits = rng.Between(definition.Visits.Min, definition.Visits.Max);
        for (var v = 0; v < visits; v++) claim.AddDay(Math.Min(MonthMath.Days(month), day + v * 7));
        var diagnosis = definition.Diagnoses.Draw(ref rng);
        claim.AddDiagnosis(diagnosis.Code, diagnosis.Icd10, DaysOf(month, day), 1);
        claim.FirstVisit = rng.Chance(0.5);
        foreach (var test in definition.Tests)
            if (rng.Chance(test.Probability)) claim.AddItem(ItemTable.Procedure, test.Shikibetsu, test.Code, 1, test.Points, 1, day);
        var procedures = _fees.DentalProcedures;
        for (var i = rng.Poisson(_rates.DentalItems * visits); procedures.Count > 0 && i > 0; i--)
        {
            var item = procedures[rng.Next(procedures.Count)];
            claim.AddItem(ItemTable.Procedure, item.Shikibetsu, item.Code, 1, item.Points, 1, day);
        }
    }

    private void Admissions(Person person, int month, int age, ref Rng rng)
    {
        if (person.Stay is not null) return;
        for (var c = 0; c < _conditions.Count; c++)
        {
            if (_conditions[c].Inpatient is { } inpatient && person.Has(c, month) && person.Diagnosed[c] <= month
                && rng.Chance(inpatient.Probability / 12))
            {
                Admit(person, month, age, _conditions[c], ref rng);
                return;
            }
        }
        if (rng.Chance(_rates.Admissions[AgeBands.Of(age)] / 12) && AdmissionReason(person, month, age, ref rng) is { } reason)
            Admit(person, month, age, reason, ref rng);
    }

    /// <summary>
    /// Why someone is admitted beyond the modelled risks: one of their own diagnosed conditions that admits, or
    /// else an acute illness drawn by its rate at their age in this season — never a disease they do not have.
    /// </summary>
    private ClinicalDefinition? AdmissionReason(Person person, int month, int age, ref Rng rng)
    {
        var own = 0;
        for (var c = 0; c < _conditions.Count; c++)
            if (_conditions[c].Inpatient is not null && person.Diagnosed[c] <= month) own++;
        if (own > 0)
        {
            var pick = rng.Next(own);
            for (var c = 0; c < _conditions.Count; c++)
                if (_conditions[c].Inpatient is not null && person.Diagnosed[c] <= month && pick-- == 0) return _conditions[c];
        }
        var calibration = _model.Calibration;
        var calendar = MonthMath.CalendarMonth(month) - 1;
        ClinicalDefinition? chosen = null;
        var total = 0.0;
        foreach (var acute in _model.Clinical.Acute)
        {
            if (acute.Inpatient is null || !calibration.EpisodesPerPersonYear.TryGetValue(acute.Id, out var perYear)) continue;
            var weight = perYear[AgeBands.Of(age)] * (calibration.SeasonWeights.TryGetValue(acute.Id, out var season) ? season[calendar] : 1);
            total += weight;
            // Reservoir choice by weight: one pass, no allocation.
            if (weight > 0 && rng.NextDouble() * total < weight) chosen = acute;
        }
        return chosen;
    }

    private void Admit(Person person, int month, int age, ClinicalDefinition reason, ref Rng rng)
    {
        var inpatient = reason.Inpatient!;
        var admission = MonthMath.FirstDay(month).AddDays(rng.Next(MonthMath.Days(month)));
        var ageFactor = _model.Calibration.AverageStayDays[AgeBands.Of(age)] / 20.0;
        var stay = (int)Math.Clamp(Math.Round(rng.LogNormal(inpatient.StayDaysMedian * Math.Clamp(ageFactor, 0.5, 2.0), 0.6)), 1, 180);
        person.Stay = new Stay
        {
            Facility = person.Hospital,
            Admission = admission,
            Discharge = admission.AddDays(stay),
            Reason = reason.Index,
            ReasonKind = reason.Kind,
            Surgery = inpatient.Procedures.Count > 0 && rng.Chance(inpatient.Procedures[0].Probability),
        };
        ContinueStay(person, month, age, ref rng);
    }

    private ClinicalDefinition ReasonOf(Stay stay) =>
        stay.ReasonKind == "conditions" ? _conditions[stay.Reason] : _model.Clinical.Acute[stay.Reason];

    /// <summary>This month's inpatient receipt of a stay: DPC (bundled per diem) at DPC hospitals, fee-for-service elsewhere.</summary>
    private void ContinueStay(Person person, int month, int age, ref Rng rng)
    {
        if (person.Stay is not { } stay) return;
        var first = MonthMath.FirstDay(month);
        var last = first.AddDays(MonthMath.Days(month) - 1);
        if (stay.Admission > last) return;
        if (_claims.Any(c => c.Facility == stay.Facility && c.Kind is 1 or 3)) return;
        var dpc = FacilityDirectory.KindOf(stay.Facility) == FacilityKind.DpcHospital;
        var claim = Claim(stay.Facility, dpc ? (sbyte)3 : (sbyte)1);
        var from = stay.Admission > first ? stay.Admission : first;
        var to = stay.Discharge < last ? stay.Discharge : last;
        for (var d = from; d <= to; d = d.AddDays(1)) claim.AddDay(d.Day);
        var days = claim.DayCount;
        var reason = ReasonOf(stay);
        var diagnosis = reason.Diagnoses.Draw(ref rng);
        var discharged = stay.Discharge <= last;
        claim.AdmissionDays = DaysOf(stay.Admission);
        claim.AddDiagnosis(diagnosis.Code, diagnosis.Icd10, DaysOf(stay.Admission), discharged ? (sbyte)2 : (sbyte)1, main: true);
        string? comorbidity = null;
        for (var c = 0; c < _conditions.Count; c++)
        {
            if (person.Diagnosed[c] > month) continue;
            var chronic = _conditions[c].Diagnoses.Items[person.DiagnosisChoice[c]];
            claim.AddDiagnosis(chronic.Code, chronic.Icd10, DaysOf(MonthMath.FirstDay(person.Diagnosed[c])), 1);
            comorbidity ??= chronic.Icd10;
        }
        var inpatient = reason.Inpatient!;
        var admittedThisMonth = stay.Admission >= first;
        if (admittedThisMonth)
        {
            foreach (var procedure in inpatient.Procedures)
            {
                if (procedure == inpatient.Procedures[0] ? stay.Surgery : rng.Chance(procedure.Probability))
                    claim.AddItem(ItemTable.Procedure, procedure.Shikibetsu, procedure.Code, 1, procedure.Points, 1, claim.FirstDay);
            }
        }
        foreach (var test in reason.Tests)
            claim.AddItem(ItemTable.Procedure, test.Shikibetsu, test.Code, 1, test.Points, Math.Max(1, days / 7), claim.FirstDay);
        var care = Care(age);
        for (var n = Overdispersed(ref rng, _rates.InpatientItemsPerDay * days * care); n > 0 && _items.Length > 0; n--)
        {
            var item = _items[rng.Next(_items.Length)];
            claim.AddItem(ItemTable.Procedure, item.Shikibetsu, item.Code, 1, item.Points, 1, Math.Max(1, claim.FirstDay + rng.Next(days)));
        }
        if (dpc)
        {
            claim.DpcCode = $"{inpatient.Mdc}xx{(stay.Surgery ? "97" : "99")}x0xx";
            claim.DpcMainIcd10 = diagnosis.Icd10;
            claim.DpcComorbidityIcd10 = comorbidity;
            claim.BundledPoints = (int)(days * _model.Calibration.DpcPerDiemPoints * care * rng.LogNormal(1, 0.2));
        }
        else
        {
            claim.AddItem(ItemTable.Procedure, _fees.InpatientBasic.Shikibetsu, _fees.InpatientBasic.Code, 1, _fees.InpatientBasic.Points, days, claim.FirstDay);
            // The reason's drugs, unless it is a condition the person is not treated for (the claims would contradict that).
            if ((reason.Kind != "conditions" || person.Treated[reason.Index]) && reason.DrawDrug(ref rng, person.AgeAt(month)) is { } given)
            {
                var drug = Dispensed(given, person, claim.Facility, claim.Facility, month);
                // An injection is given on each day of the stay (注射, その他), at the day's share of its supply.
                if (drug.Route == DrugRoute.Injection)
                    claim.AddItem(ItemTable.Drug, 33, drug.Code, drug.DailyQuantity, drug.PointsPerDay, days, claim.FirstDay, drug.Yj, drug.DrugClass);
                else Supply(claim, drug, person, month, days, claim.FirstDay, prescriber: 0);
            }
        }
        if (discharged)
        {
            claim.DischargeDays = DaysOf(stay.Discharge);
            person.Stay = null;
        }
    }

    private void Die(Person person, int month, int age, ref Rng rng)
    {
        person.DeathMonth = month;
        if (person.Stay is null && rng.Chance(0.7))
        {
            var worst = -1;
            for (var c = 0; c < _conditions.Count; c++)
                if (person.Diagnosed[c] <= month && _conditions[c].Inpatient is not null && (worst < 0 || _conditions[c].MortalityMultiplier > _conditions[worst].MortalityMultiplier))
                    worst = c;
            if ((worst >= 0 ? _conditions[worst] : AdmissionReason(person, month, age, ref rng)) is { } reason)
                Admit(person, month, age, reason, ref rng);
        }
        foreach (var claim in _claims)
        {
            if (claim.Kind is not (1 or 3)) continue;
            claim.Died = true;
            for (var i = 0; i < claim.Diagnoses.Count; i++)
                if (claim.Diagnoses[i].Main) claim.Diagnoses[i] = claim.Diagnoses[i] with { Outcome = 3 };
        }
        person.Stay = null;
    }

    /// <summary>Diagnoses a clinic keeps listing after the episode ended, on every later receipt it sends.</summary>
    private void KeptOpenDiagnoses(Person person, int month)
    {
        person.OpenDiagnoses.RemoveAll(d => d.UntilMonth < month);
        foreach (var open in person.OpenDiagnoses)
        {
            foreach (var claim in _claims)
                if (claim.Facility == open.Facility && claim.Kind == 2) claim.AddDiagnosis(open.Code, open.Icd10, DaysOf(open.Start), 1);
        }
    }

    private double Care(int age) => _rates.CareByAgeGroup[_model.Calibration.Spending.GroupOf(age)];

    private void Emit(Person person, int month, int monthIndex, int age, ChunkOutput output, ref Rng rng)
    {
        var yyyymm = MonthMath.ToYyyymm(month);
        foreach (var claim in _claims)
        {
            if (claim.DayCount == 0 && claim.Kind != 3 && claim.Kind != 1) continue;
            AddFees(claim, age, ref rng);
            var receiptId = ReceiptId(person.Index, person.ReceiptSequence++);
            EmitLines(claim, receiptId, yyyymm, monthIndex, output, ref rng);
            var family = claim.Kind switch { 4 => 4, 5 or 6 => 3, _ => 1 };
            var inpatient = claim.Kind is 1 or 3 or 5;
            var variant = Rng.Mix((ulong)person.Index * 31 + (ulong)claim.Facility) % 1000 < _model.Calibration.VariantSpellingShare * 1000;
            output.Receipts[monthIndex].Add(receiptId, claim.Kind, yyyymm, (sbyte)FacilityDirectory.PrefectureOf(claim.Facility), claim.Facility,
                ReceiptType(family, person, age, inpatient), person.InsurerKind, person.Sex, (short)age, MonthMath.ToYyyymm(person.BirthMonth),
                person.Id1, variant ? person.Id2Variant : person.Id2, person.Id5, rng.Chance(_model.Calibration.Id5MissingShare),
                claim.TotalPoints(), (short)Math.Max(claim.DayCount, 1), claim.AdmissionDays, claim.DpcCode);
            output.Truth.Receipts.Add((receiptId, person.Index));
        }
    }

    /// <summary>The standing fees that follow from the visits: first or repeat visit, management, prescription slips.</summary>
    private void AddFees(ClaimBuilder claim, int age, ref Rng rng)
    {
        var days = claim.DayCount;
        var day = claim.FirstDay;
        switch (claim.Kind)
        {
            case 2:
                for (var n = Overdispersed(ref rng, _rates.ExtraLabs * Care(age)); n > 0 && _items.Length > 0; n--)
                {
                    var item = _items[rng.Next(_items.Length)];
                    claim.AddItem(ItemTable.Procedure, item.Shikibetsu, item.Code, 1, item.Points, 1, day);
                }
                if (claim.Items.Any(i => i.Table == ItemTable.Procedure && i.Shikibetsu == 60))
                    foreach (var fee in _fees.LabFees) claim.AddItem(ItemTable.Procedure, fee.Shikibetsu, fee.Code, 1, fee.Points, 1, day);
                var hospital = FacilityDirectory.KindOf(claim.Facility) is FacilityKind.Hospital or FacilityKind.DpcHospital;
                var revisit = hospital ? _fees.HospitalRevisit : _fees.Revisit;
                // 乳幼児加算 goes with each visit fee it adds to, for a patient under six.
                var infant = age < _fees.Infant.UnderAge;
                if (claim.FirstVisit)
                {
                    Bill(claim, _fees.FirstVisit, 1, day);
                    if (infant) Bill(claim, _fees.Infant.FirstVisit, 1, day);
                }
                var repeats = days - (claim.FirstVisit ? 1 : 0);
                if (repeats > 0)
                {
                    Bill(claim, revisit, repeats, day);
                    if (infant) Bill(claim, hospital ? _fees.Infant.HospitalRevisit : _fees.Infant.Revisit, repeats, day);
                    if (!hospital) Bill(claim, _fees.OutpatientManagement, repeats, day);
                }
                if (claim.ChronicManaged && !hospital) Bill(claim, _fees.ChronicManagement, 1, day);
                // 処方箋料's and 処方料's add-ons are for the youngest only.
                var toddler = age < _fees.Infant.PrescriptionUnderAge;
                if (claim.OutsidePrescriptions > 0)
                {
                    Bill(claim, _fees.PrescriptionSlip, claim.OutsidePrescriptions, day);
                    if (toddler) Bill(claim, _fees.Infant.PrescriptionSlip, claim.OutsidePrescriptions, day);
                }
                if (claim.InhousePrescriptions > 0)
                {
                    Bill(claim, _fees.InhousePrescription, claim.InhousePrescriptions, day);
                    if (toddler) Bill(claim, _fees.Infant.InhousePrescription, claim.InhousePrescriptions, day);
                    Bill(claim, _fees.InhouseDispensing, claim.InhousePrescriptions, day);
                }
                break;
            case 4:
                Bill(claim, _fees.PharmacyBase, days, day);
                Bill(claim, _fees.PharmacyGuidance, days, day);
                PharmacyPreparation(claim);
                break;
            case 6:
                Bill(claim, claim.FirstVisit ? _fees.DentalFirstVisit : _fees.DentalRevisit, days, day);
                break;
        }
    }

    /// <summary>
    /// On every day the pharmacy filled a prescription: for oral drugs 薬剤調製料 and 調剤管理料 1, each per 剤 and for
    /// three 剤 at most, the latter at the tier of the longest supply; for a day of other drugs only, the 外用
    /// 薬剤調製料 and 調剤管理料 2 once. A 剤 is the drugs taken at one time of day; two drugs to a 剤, all at the
    /// longest supply, is the approximation, since prescriptions here carry no dosing times.
    /// </summary>
    private void PharmacyPreparation(ClaimBuilder claim)
    {
        var items = claim.Items.Count;
        for (var filled = claim.Days; filled != 0; filled &= filled - 1)
        {
            var day = BitOperations.TrailingZeroCount(filled) + 1;
            var (oral, longest) = (0, 0);
            for (var i = 0; i < items; i++)
            {
                var item = claim.Items[i];
                if (item.Table != ItemTable.Drug || item.FirstDay != day || item.Shikibetsu != 21) continue;
                oral++;
                longest = Math.Max(longest, item.Times);
            }
            var doses = Math.Clamp((oral + 1) / 2, 1, 3);
            if (oral > 0)
            {
                Bill(claim, _fees.PharmacyDispensing, doses, day);
                Bill(claim, _fees.PharmacyManagement?.For(longest), doses, day);
            }
            else
            {
                Bill(claim, _fees.PharmacyOtherDispensing, 1, day);
                Bill(claim, _fees.PharmacyOtherManagement, 1, day);
            }
        }
    }

    /// <summary>A standing fee, when the fee schedule has it (the pharmacy's are synthetic codes and may be absent).</summary>
    private static void Bill(ClaimBuilder claim, RecurringItem? fee, int times, int day)
    {
        if (fee is not null) claim.AddItem(ItemTable.Procedure, fee.Shikibetsu, fee.Code, 1, fee.Points, times, day);
    }

    private void EmitLines(ClaimBuilder claim, long receiptId, int yyyymm, int monthIndex, ChunkOutput output, ref Rng rng)
    {
        var diagnoses = output.Diagnoses[monthIndex];
        // Outpatient receipts carry no reliable main diagnosis: some flag a random line, most none.
        var outpatientMain = claim.Kind is 2 or 6 && claim.Diagnoses.Count > 0 && rng.Chance(0.3) ? rng.Next(claim.Diagnoses.Count) : -1;
        for (var i = 0; i < claim.Diagnoses.Count; i++)
        {
            var d = claim.Diagnoses[i];
            diagnoses.Add(receiptId, yyyymm, d.Code, d.Icd10, d.StartDays, d.Outcome, d.Main || i == outpatientMain, d.Suspected);
        }
        // One suspected line on enough receipts that about the calibrated share of all lines is 疑い.
        if (claim.Kind is 2 && rng.Chance(Math.Min(1, _model.Calibration.SuspectedDiagnosisShare * (claim.Diagnoses.Count + 1))))
        {
            var condition = _conditions[rng.Next(_conditions.Count)];
            if (condition.Suspected is { } suspected)
                diagnoses.Add(receiptId, yyyymm, suspected.Code, suspected.Icd10, DaysOf(MonthMath.FromYyyymm(yyyymm), Math.Max(1, claim.FirstDay)), 1, false, true);
        }
        foreach (var item in claim.Items)
        {
            var sink = item.Table switch
            {
                ItemTable.Procedure => output.Procedures[monthIndex],
                ItemTable.Drug => output.Drugs[monthIndex],
                _ => output.Devices[monthIndex],
            };
            sink.Add(receiptId, yyyymm, item.Shikibetsu, item.Code, item.Quantity, item.Points, item.Times, item.FirstDay, item.Yj, item.DrugClass,
                item.Prescriber);
        }
        if (claim.DpcCode is { } dpcCode)
        {
            output.Dpc[monthIndex].Add(receiptId, yyyymm, dpcCode, claim.AdmissionDays!.Value, claim.DischargeDays, claim.DpcMainIcd10!,
                claim.DpcComorbidityIcd10, claim.BundledPoints);
        }
    }

    /// <summary>
    /// The NDB's four-digit receipt type: family (1 医科, 3 歯科, 4 調剤), scheme (1 医保, 3 後期高齢者), 単独, and
    /// the beneficiary with inpatient odd / outpatient even (本人 1/2, 未就学 3/4, 家族 5/6, 高齢受給者 7/8).
    /// </summary>
    public short ReceiptType(int family, Person person, int age, bool inpatient)
    {
        var lateElderly = person.InsurerKind == 6;
        var beneficiary = lateElderly || age >= 70 ? 7 : age < 6 ? 3 : person.Dependant ? 5 : 1;
        var code = (short)(family * 1000 + (lateElderly ? 3 : 1) * 100 + 10 + beneficiary + (inpatient ? 0 : 1));
        return _receiptTypes.Contains(code)
            ? code
            : throw new InvalidDataException($"receipt type {code} is not in enums.json receipt_type");
    }

    /// <summary>
    /// Receipt ids: a bijection of (person, sequence) on 62 bits, so they are unique without a shared counter and
    /// do not reveal the person (an odd multiplier and xor-shifts are invertible modulo 2^62).
    /// </summary>
    public static long ReceiptId(int person, int sequence) => Scramble(((ulong)person << 22) | (uint)sequence, 0x9E3779B97F4A7C15UL);

    public static long CheckupId(int person, int sequence) => Scramble(((ulong)person << 22) | (uint)sequence, 0xD1B54A32D192ED03UL);

    private static long Scramble(ulong x, ulong multiplier)
    {
        const ulong mask = (1UL << 62) - 1;
        x &= mask;
        x ^= x >> 31;
        x = (x * multiplier) & mask;
        x ^= x >> 29;
        x = (x * 0xBF58476D1CE4E5B9UL) & mask;
        x ^= x >> 32;
        return (long)x;
    }
}
