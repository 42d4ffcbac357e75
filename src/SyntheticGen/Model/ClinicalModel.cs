using System.Text.Json;
using Claims.Engine.Schema;
using Claims.SyntheticGen.Randomness;

namespace Claims.SyntheticGen.Model;

public sealed record DiagnosisOption(string Code, string Icd10, double Weight);

/// <summary>
/// A drug a regimen can use, with the points of one day's dose (price × daily quantity, in points), and where the
/// master lists both brands and generics of its ingredient, form and strength, each of them as the pharmacy may
/// dispense it (empty otherwise: there is no choice to make).
/// </summary>
public sealed record DrugOption(string Code, string Yj, short DrugClass, double Weight, float DailyQuantity, DrugRoute Route, double YenPerDay)
{
    public bool Oral => Route == DrugRoute.Oral;

    /// <summary>薬剤料 of a day's dose, as an oral line bills it (times the days).</summary>
    public int PointsPerDay { get; } = Points(YenPerDay);

    /// <summary>薬剤料 of a supply of <paramref name="days"/> days dispensed at once (topicals, inhalers, injections).</summary>
    public int PointsFor(int days) => Points(YenPerDay * days);

    /// <summary>
    /// 薬剤料 of <paramref name="yen"/> at the price list: 1 point up to 15 yen, else a point per 10 yen with a
    /// remainder of 5 yen or less dropped and more rounded up (五捨五超入).
    /// </summary>
    public static int Points(double yen) => yen <= 15 ? 1 : (int)Math.Ceiling((yen - 15) / 10) + 1;

    /// <summary>The product's identity for hashing: its YJ code's first nine characters (ingredient, form, strength).</summary>
    public ulong Key { get; } = Fnv1a(Yj.AsSpan(0, Math.Min(9, Yj.Length)));

    public IReadOnlyList<DrugOption> Brands { get; init; } = [];
    public IReadOnlyList<DrugOption> Generics { get; init; } = [];

    /// <summary>
    /// The powder, granules or syrup of the ingredient a young child is given instead, at the adult dose's milligrams
    /// (with its own brands and generics), or null when the drug is one already or the price list has none.
    /// </summary>
    public DrugOption? Child { get; init; }

    /// <summary>The youngest age the drug is given at (clinical.json fromAge): 0 for any.</summary>
    public int FromAge { get; init; }

    /// <summary>The drugs this one is an alternative to (clinical.json group), of which a regimen holds one; null for none.</summary>
    public string? Group { get; init; }

    /// <summary>
    /// A day's quantity and 薬剤料 at <paramref name="fraction"/> of the adult dose (<see cref="ChildDoses"/>): tablets
    /// and capsules (the YJ code's eighth character F to P) in halves, half a unit at least; powders and liquids as
    /// measured, to a thousandth. Injections and external drugs keep the adult quantity: theirs go by weight or area,
    /// which the model does not carry, and von Harnack's table is for oral doses.
    /// </summary>
    public (float Quantity, int Points) Dose(double fraction)
    {
        if (fraction >= 1 || !Oral) return (DailyQuantity, PointsPerDay);
        var exact = DailyQuantity * fraction;
        var quantity = Yj.Length > 7 && Yj[7] is >= 'F' and <= 'P'
            ? Math.Max(0.5, Math.Round(exact * 2, MidpointRounding.AwayFromZero) / 2)
            : Math.Max(0.001, Math.Round(exact, 3));
        return ((float)quantity, Points(YenPerDay * quantity / DailyQuantity));
    }

    /// <summary>The codes a pharmacy may dispense for this drug: its own, its brands' and generics' where there is a choice, and its child form's.</summary>
    public IEnumerable<string> Dispensable => Brands.Concat(Generics).Select(d => d.Code).Prepend(Code).Concat(Child?.Dispensable ?? []).Distinct();

    // Not string.GetHashCode: that is seeded per process, and the dispensed product must be the same on every run.
    private static ulong Fnv1a(ReadOnlySpan<char> text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text) hash = (hash ^ c) * 1099511628211UL;
        return hash;
    }
}

public sealed record TestOption(string Code, int Points, sbyte Shikibetsu, int EveryMonths, double Probability);

public sealed record RecurringItem(string Code, int Points, sbyte Shikibetsu, int TimesPerMonth);

public sealed record InpatientDefinition(double Probability, string Mdc, double StayDaysMedian, IReadOnlyList<TestOption> Procedures);

/// <summary>A chronic condition, an acute episode type, a minor outpatient reason or a dental reason, as clinical.json defines it.</summary>
public sealed class ClinicalDefinition
{
    public required int Index { get; init; }
    public required string Id { get; init; }
    public required string Kind { get; init; }
    public required string[] Icd10 { get; init; }
    public required Weighted<DiagnosisOption> Diagnoses { get; init; }
    public required DiagnosisOption? Suspected { get; init; }
    public required Weighted<DrugOption>? Drugs { get; init; }
    public required int MaxLines { get; init; }
    public required IReadOnlyList<TestOption> Tests { get; init; }
    public required int VisitEveryMonths { get; init; }
    public required string Setting { get; init; }
    public required IReadOnlyList<RecurringItem> Procedures { get; init; }
    public required IReadOnlyList<RecurringItem> Devices { get; init; }
    public required InpatientDefinition? Inpatient { get; init; }
    public required double MortalityMultiplier { get; init; }
    public required int Days { get; init; }
    public required (int Min, int Max) Visits { get; init; }

    /// <summary>The sex a minor reason befalls (1 men, 2 women), or 0 for both.</summary>
    public int Sex { get; init; }

    /// <summary>The ages a minor reason befalls, inclusive.</summary>
    public (int Min, int Max) Ages { get; init; } = (0, 120);

    /// <summary>
    /// A regimen for a person of <paramref name="age"/>: one to <see cref="MaxLines"/> distinct drugs drawn by their
    /// weights among those given at that age (<see cref="DrugOption.FromAge"/>), at most one of each group of
    /// alternatives (<see cref="DrugOption.Group"/>), as indexes into <see cref="Drugs"/>
    /// (fewer when draws keep repeating one or land on drugs for older people); none when the definition has no drugs.
    /// </summary>
    public int[] DrawRegimen(ref Rng rng, int age)
    {
        if (Drugs is not { } drugs) return [];
        var lines = rng.Between(1, Math.Max(1, MaxLines));
        var chosen = new List<int>(lines);
        for (var i = 0; i < lines * 3 && chosen.Count < lines; i++)
        {
            var index = drugs.DrawIndex(ref rng);
            var drug = drugs.Items[index];
            if (drug.FromAge <= age && !chosen.Contains(index) && (drug.Group is null || !chosen.Exists(c => drugs.Items[c].Group == drug.Group)))
                chosen.Add(index);
        }
        return chosen.ToArray();
    }

    /// <summary>One drug drawn by weight among those given at <paramref name="age"/>, or null when a few draws find none.</summary>
    public DrugOption? DrawDrug(ref Rng rng, int age)
    {
        if (Drugs is not { } drugs) return null;
        for (var i = 0; i < 4; i++)
            if (drugs.Draw(ref rng) is { } drug && drug.FromAge <= age) return drug;
        return null;
    }

    /// <summary>Whether a person of this sex and age can have it (clinical.json's "who").</summary>
    public bool Befalls(int sex, int age) => (Sex == 0 || Sex == sex) && age >= Ages.Min && age <= Ages.Max;
}

/// <summary>
/// The standing fee codes (初診, 再診, management, prescriptions, inpatient basic, pharmacy, dental), with their
/// points. Meals are not billed: 食事療養 is charged in yen, outside the claim's points.
/// </summary>
public sealed record FeeSchedule(
    RecurringItem FirstVisit,
    RecurringItem Revisit,
    RecurringItem HospitalRevisit,
    RecurringItem OutpatientManagement,
    RecurringItem ChronicManagement,
    RecurringItem PrescriptionSlip,
    RecurringItem InhouseDispensing,
    RecurringItem InhousePrescription,
    RecurringItem? PharmacyBase,
    RecurringItem? PharmacyDispensing,
    RecurringItem? PharmacyGuidance,
    PharmacyManagement? PharmacyManagement,
    RecurringItem? PharmacyOtherDispensing,
    RecurringItem? PharmacyOtherManagement,
    RecurringItem InpatientBasic,
    RecurringItem? DentalFirstVisit,
    RecurringItem? DentalRevisit,
    IReadOnlyList<RecurringItem> DentalProcedures,
    IReadOnlyList<RecurringItem> LabFees,
    InfantAddOns Infant);

/// <summary>
/// 乳幼児加算: billed with each first visit and revisit of a patient under <see cref="UnderAge"/>, and with each
/// prescription slip or in-house prescription of one under <see cref="PrescriptionUnderAge"/>.
/// </summary>
public sealed record InfantAddOns(int UnderAge, RecurringItem FirstVisit, RecurringItem Revisit, RecurringItem HospitalRevisit,
    int PrescriptionUnderAge, RecurringItem PrescriptionSlip, RecurringItem InhousePrescription);

/// <summary>
/// 調剤管理料 for oral drugs, per 剤 (up to 3) by the days dispensed: <see cref="Fees"/>[i] for up to
/// <see cref="UpToDays"/>[i] days, the last fee above them.
/// </summary>
public sealed record PharmacyManagement
{
    public PharmacyManagement(int[] upToDays, RecurringItem[] fees)
    {
        if (fees.Length != upToDays.Length + 1 || upToDays.Zip(upToDays.Skip(1)).Any(p => p.First >= p.Second))
            throw new InvalidDataException("clinical.json fees.pharmacyManagement: give one code more than bounds, the bounds ascending");
        (UpToDays, Fees) = (upToDays, fees);
    }

    public int[] UpToDays { get; }
    public RecurringItem[] Fees { get; }

    public RecurringItem For(int days)
    {
        var tier = 0;
        while (tier < UpToDays.Length && days > UpToDays[tier]) tier++;
        return Fees[tier];
    }
}

/// <summary>data-schemas/clinical.json with every code resolved against the masters.</summary>
public sealed class ClinicalModel
{
    public required FeeSchedule Fees { get; init; }
    public required IReadOnlyList<ClinicalDefinition> Conditions { get; init; }
    public required IReadOnlyList<ClinicalDefinition> Acute { get; init; }
    public required IReadOnlyList<ClinicalDefinition> Minor { get; init; }
    public required IReadOnlyList<ClinicalDefinition> Dental { get; init; }

    public ClinicalDefinition Condition(string id) =>
        Conditions.FirstOrDefault(c => c.Id == id) ?? throw new InvalidDataException($"clinical.json has no condition '{id}'");

    public static ClinicalModel Load(ClaimsSchema schema, MasterIndex masters)
    {
        using var document = JsonDocument.Parse(schema.Files.ReadAllBytes("clinical.json"));
        var root = document.RootElement;
        foreach (var fee in root.GetProperty("syntheticFees").EnumerateArray())
            masters.AddSyntheticFee(fee.GetProperty("code").GetString()!, fee.GetProperty("points").GetInt32(), fee.GetProperty("shinryoShikibetsu").GetInt32());
        var fees = root.GetProperty("fees");
        RecurringItem? Fee(string name) =>
            fees.TryGetProperty(name, out var code) && code.ValueKind == JsonValueKind.String ? Item(masters, code.GetString()!, 1) : null;
        RecurringItem RequiredFee(string name) => Fee(name) ?? throw new InvalidDataException($"clinical.json: fees.{name} is required");
        var infant = fees.GetProperty("infantAddOns");
        RecurringItem InfantFee(string name) => Item(masters, infant.GetProperty(name).GetString()!, 1);
        return new ClinicalModel
        {
            Fees = new FeeSchedule(
                RequiredFee("firstVisit"), RequiredFee("revisit"), Fee("hospitalRevisit") ?? RequiredFee("revisit"),
                RequiredFee("outpatientManagement"), RequiredFee("chronicManagement"), RequiredFee("prescriptionSlip"),
                RequiredFee("inhouseDispensingFee"), RequiredFee("inhousePrescriptionFee"),
                Fee("pharmacyBase"), Fee("pharmacyDispensing"), Fee("pharmacyGuidance"),
                fees.TryGetProperty("pharmacyManagement", out var management)
                    ? new PharmacyManagement(
                        management.GetProperty("upToDays").EnumerateArray().Select(d => d.GetInt32()).ToArray(),
                        management.GetProperty("codes").EnumerateArray().Select(c => Item(masters, c.GetString()!, 1)).ToArray())
                    : null,
                Fee("pharmacyOtherDispensing"), Fee("pharmacyOtherManagement"),
                RequiredFee("inpatientBasic"),
                Fee("dentalFirstVisit"), Fee("dentalRevisit"),
                fees.TryGetProperty("dentalProcedures", out var dental)
                    ? dental.EnumerateArray().Select(c => Item(masters, c.GetString()!, 1)).ToArray()
                    : [],
                fees.GetProperty("labFees").EnumerateArray().Select(c => Item(masters, c.GetString()!, 1)).ToArray(),
                new InfantAddOns(infant.GetProperty("underAge").GetInt32(), InfantFee("firstVisit"), InfantFee("revisit"),
                    InfantFee("hospitalRevisit"), infant.GetProperty("prescriptionUnderAge").GetInt32(), InfantFee("prescriptionSlip"),
                    InfantFee("inhousePrescription"))),
            Conditions = Definitions(root, "conditions", masters),
            Acute = Definitions(root, "acute", masters),
            Minor = Definitions(root, "minor", masters),
            Dental = Definitions(root, "dental", masters),
        };
    }

    private static ClinicalDefinition[] Definitions(JsonElement root, string kind, MasterIndex masters) =>
        root.TryGetProperty(kind, out var list)
            ? list.EnumerateArray().Select((d, i) => Definition(d, i, kind, masters)).ToArray()
            : [];

    private static ClinicalDefinition Definition(JsonElement d, int index, string kind, MasterIndex masters)
    {
        var id = d.GetProperty("id").GetString()!;
        var diagnoses = d.GetProperty("diagnoses").EnumerateArray().Select(x => Diagnosis(x, masters)).ToArray();
        var drugs = d.TryGetProperty("drugs", out var drugList)
            ? drugList.EnumerateArray().Select(x => Drug(x, masters)).ToArray()
            : [];
        var visits = d.TryGetProperty("visits", out var v) ? (v[0].GetInt32(), v[1].GetInt32()) : (1, 1);
        var who = d.TryGetProperty("who", out var w) ? w : (JsonElement?)null;
        var ages = who is { } range ? (range.GetProperty("ages")[0].GetInt32(), range.GetProperty("ages")[1].GetInt32()) : (0, 120);
        if (ages.Item1 > ages.Item2)
            throw new InvalidDataException($"clinical.json {kind} {id}: who.ages runs from {ages.Item1} down to {ages.Item2}");
        return new ClinicalDefinition
        {
            Index = index,
            Id = id,
            Kind = kind,
            Icd10 = d.GetProperty("icd10").EnumerateArray().Select(x => x.GetString()!).ToArray(),
            Diagnoses = new Weighted<DiagnosisOption>(diagnoses, o => o.Weight),
            Suspected = d.TryGetProperty("suspected", out var s) && s.ValueKind == JsonValueKind.Object ? Diagnosis(s, masters) : null,
            Drugs = drugs.Length > 0 ? new Weighted<DrugOption>(drugs, o => o.Weight) : null,
            MaxLines = d.TryGetProperty("maxLines", out var ml) ? ml.GetInt32() : 2,
            Tests = d.TryGetProperty("tests", out var tests) ? tests.EnumerateArray().Select(t => Test(t, masters)).ToArray() : [],
            VisitEveryMonths = d.TryGetProperty("visitEveryMonths", out var ve) ? ve.GetInt32() : 1,
            Setting = d.TryGetProperty("setting", out var setting) ? setting.GetString()! : "clinic",
            Procedures = Recurring(d, "procedures", masters),
            Devices = d.TryGetProperty("devices", out var devices)
                ? devices.EnumerateArray().Select(x => new RecurringItem(x.GetProperty("code").GetString()!,
                    Math.Max(1, (int)Math.Round(masters.DevicePrice(x.GetProperty("code").GetString()!) / 10)), 40,
                    x.TryGetProperty("timesPerMonth", out var t) ? t.GetInt32() : 1)).ToArray()
                : [],
            Inpatient = d.TryGetProperty("inpatient", out var inpatient) && inpatient.ValueKind == JsonValueKind.Object
                ? new InpatientDefinition(
                    inpatient.TryGetProperty("annualProbability", out var ap) ? ap.GetDouble() : inpatient.GetProperty("probability").GetDouble(),
                    inpatient.GetProperty("mdc").GetString()!,
                    inpatient.GetProperty("stayDaysMedian").GetDouble(),
                    inpatient.TryGetProperty("procedures", out var ip) ? ip.EnumerateArray().Select(t => Test(t, masters)).ToArray() : [])
                : null,
            MortalityMultiplier = d.TryGetProperty("mortalityMultiplier", out var mm) ? mm.GetDouble() : 1,
            Days = d.TryGetProperty("days", out var days) ? days.GetInt32() : 28,
            Visits = visits,
            Sex = who is { } only && only.TryGetProperty("sex", out var sex) ? sex.GetInt32() : 0,
            Ages = ages,
        };
    }

    private static DiagnosisOption Diagnosis(JsonElement x, MasterIndex masters)
    {
        var code = x.GetProperty("code").GetString()!;
        return new DiagnosisOption(string.Intern(code), string.Intern(masters.DiseaseIcd10(code)),
            x.TryGetProperty("weight", out var w) ? w.GetDouble() : 1);
    }

    private static DrugOption Drug(JsonElement x, MasterIndex masters)
    {
        var code = x.GetProperty("code").GetString()!;
        var quantity = (float)x.GetProperty("dailyQuantity").GetDouble();
        var weight = x.GetProperty("weight").GetDouble();
        var route = Enum.Parse<DrugRoute>(x.GetProperty("route").GetString()!, ignoreCase: true);
        var drug = WithChoices(Product(code, weight, quantity, route, masters), masters) with
        {
            FromAge = x.TryGetProperty("fromAge", out var from) ? from.GetInt32() : 0,
            Group = x.TryGetProperty("group", out var group) ? string.Intern(group.GetString()!) : null,
        };
        // A young child's form holds the adult dose's milligrams; the dose is then cut for the age (ChildDoses).
        if (!drug.Oral || MasterIndex.IsChildForm(drug.Yj) || masters.Powder(drug.Yj) is not { } powder || masters.Strength(code) is not { } adult) return drug;
        var child = WithChoices(Product(powder, weight, (float)(quantity * adult / masters.Strength(powder)!.Value), route, masters), masters);
        return drug with { Child = child };
    }

    /// <summary>The drug with the brands and generics a pharmacy may dispense for it, where the master lists both.</summary>
    private static DrugOption WithChoices(DrugOption drug, MasterIndex masters)
    {
        var (brands, generics) = masters.Interchangeable(drug.Yj);
        if (brands.Length == 0 || generics.Length == 0) return drug;
        return drug with
        {
            Brands = brands.Select(c => Product(c, drug.Weight, drug.DailyQuantity, drug.Route, masters)).ToArray(),
            Generics = generics.Select(c => Product(c, drug.Weight, drug.DailyQuantity, drug.Route, masters)).ToArray(),
        };
    }

    private static DrugOption Product(string code, double weight, float quantity, DrugRoute route, MasterIndex masters)
    {
        var (price, yj, drugClass) = masters.Drug(code);
        return new DrugOption(string.Intern(code), string.Intern(yj), (short)drugClass, weight, quantity, route, price * quantity);
    }

    private static TestOption Test(JsonElement x, MasterIndex masters)
    {
        var code = x.GetProperty("code").GetString()!;
        var (points, shikibetsu) = masters.Procedure(code);
        return new TestOption(string.Intern(code), points, (sbyte)shikibetsu,
            x.TryGetProperty("everyMonths", out var e) ? e.GetInt32() : 1,
            x.TryGetProperty("probability", out var p) ? p.GetDouble() : 1);
    }

    private static RecurringItem[] Recurring(JsonElement d, string property, MasterIndex masters) =>
        d.TryGetProperty(property, out var list)
            ? list.EnumerateArray().Select(x => Item(masters, x.GetProperty("code").GetString()!,
                x.TryGetProperty("timesPerMonth", out var t) ? t.GetInt32() : 1)).ToArray()
            : [];

    private static RecurringItem Item(MasterIndex masters, string code, int times)
    {
        var (points, shikibetsu) = masters.Procedure(code);
        return new RecurringItem(string.Intern(code), points, (sbyte)shikibetsu, times);
    }
}
