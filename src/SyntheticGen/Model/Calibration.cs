using System.Text.Json;
using Claims.Engine.Schema;
using Claims.SyntheticGen.Facilities;

namespace Claims.SyntheticGen.Model;

/// <summary>A target the fidelity report checks, with its source.</summary>
public sealed record Target(double Value, double? Tolerance, string Source);

/// <summary>Prevalence curve of one condition by sex and 5-year band, and the shares diagnosed and treated.</summary>
public sealed record Prevalence(double[] Male, double[] Female, double DiagnosedShare, double TreatedShare, string Source)
{
    public double[] For(bool male) => male ? Male : Female;
}

/// <summary>
/// National spending by age (国民医療費): each group's share of all spending (groups start at <see cref="AgeGroups"/>),
/// per-capita yen overall, under 65, 65+ and 75+, and the 65+ to under-65 per-capita ratio by kind (medical, dental, pharmacy).
/// </summary>
public sealed record Spending(int[] AgeGroups, double[] Shares, IReadOnlyDictionary<string, double> PerCapitaYen,
    IReadOnlyDictionary<string, double> KindRatios, string Source, string KindSource)
{
    public int GroupOf(int age) => AgeBands.GroupOf(AgeGroups, age);

    /// <summary>"0–14", "15–44", …, "75+".</summary>
    public string Label(int group) => AgeBands.Label(AgeGroups, group);
}

/// <summary>data-schemas/calibration.json: national figures the generator is calibrated to, each with its source.</summary>
public sealed class Calibration
{
    public required double[] PopulationMale { get; init; }
    public required double[] PopulationFemale { get; init; }
    public required double[] Prefecture65Share { get; init; }
    public required double[] MortalityMale { get; init; }
    public required double[] MortalityFemale { get; init; }
    public required int[] InsurerKinds { get; init; }
    public required double[][] InsurerShares { get; init; }
    public required int[] JobChangeAges { get; init; }
    public required double[] JobChangeRates { get; init; }
    public required int[] MarriageAges { get; init; }
    public required double[] MarriageFemale { get; init; }
    public required double[] MarriageMale { get; init; }
    public required IReadOnlyDictionary<string, Prevalence> Prevalence { get; init; }
    public required IReadOnlyDictionary<string, double> MetabolicLoading { get; init; }
    public required IReadOnlyDictionary<string, string> Requires { get; init; }

    /// <summary>Ordered onsets: whoever has From gets To no earlier than MinYears after it.</summary>
    public required IReadOnlyList<(string From, string To, double MinYears)> Progression { get; init; }
    public required double Id5MissingShare { get; init; }
    public required double VariantSpellingShare { get; init; }
    public required double BirthsPerPersonYear { get; init; }
    public required double DpcPerDiemPoints { get; init; }

    /// <summary>Fidelity targets that are not national counts (identity changes, the points tail, …), by name.</summary>
    public required IReadOnlyDictionary<string, Target> FidelityTargets { get; init; }
    public required IReadOnlyDictionary<string, double> ClaimsPerPersonYear { get; init; }
    public required double[] OutpatientClaimsByAge { get; init; }
    public required double[] DentalClaimsByAge { get; init; }
    public required double[] InpatientClaimsByAge { get; init; }
    public required IReadOnlyDictionary<string, double> MeanPointsPerClaim { get; init; }
    public required Spending Spending { get; init; }
    public required GenericShares Generics { get; init; }
    public required PrescriptionDays PrescriptionDays { get; init; }
    public required ChildDoses ChildDoses { get; init; }
    public required PrescriptionRates Prescriptions { get; init; }
    public required Polypharmacy Polypharmacy { get; init; }
    public required OralDrugCost OralDrugCost { get; init; }
    public required DuplicatePrescriptions Duplicates { get; init; }
    public required double[] AverageStayDays { get; init; }
    public required double OutsidePrescriptionRate { get; init; }
    public required double SamePrefectureShare { get; init; }
    public required double DpcBedShare { get; init; }
    public required double SuspectedDiagnosisShare { get; init; }
    public required IReadOnlyDictionary<string, double[]> SeasonWeights { get; init; }
    public required IReadOnlyDictionary<string, double[]> EpisodesPerPersonYear { get; init; }
    public required int[] CheckupAges { get; init; }
    public required IReadOnlyDictionary<int, (double[] Male, double[] Female)> CheckupParticipation { get; init; }
    public required double[] CheckupMonthWeights { get; init; }
    public required IReadOnlyDictionary<string, Target> CheckupTargets { get; init; }
    public required double RelativeTolerance { get; init; }
    public required double AbsoluteTolerance { get; init; }
    public required string PopulationSource { get; init; }
    public required string UtilisationSource { get; init; }

    public static Calibration Load(ClaimsSchema schema)
    {
        using var document = JsonDocument.Parse(schema.Files.ReadAllBytes("calibration.json"));
        var root = document.RootElement;
        var population = root.GetProperty("population");
        var mortality = root.GetProperty("mortality");
        var insurance = root.GetProperty("insurance");
        var jobChange = insurance.GetProperty("annualJobChange");
        var marriage = root.GetProperty("marriage");
        var prevalence = root.GetProperty("prevalence").GetProperty("conditions");
        var comorbidity = root.GetProperty("comorbidity");
        var utilisation = root.GetProperty("utilisation");
        var byAge = utilisation.GetProperty("claimsPerPersonYearByAge");
        var spending = root.GetProperty("spending");
        var byKind = spending.GetProperty("byKind");
        var seasonality = root.GetProperty("seasonality");
        var checkups = root.GetProperty("checkups");
        var tolerances = root.GetProperty("fidelityTolerances");
        var generics = root.GetProperty("prescribing").GetProperty("generics");
        var genericAges = generics.GetProperty("age");
        var days = root.GetProperty("prescribing").GetProperty("days");
        var children = root.GetProperty("prescribing").GetProperty("children");
        var genericFacilities = generics.GetProperty("facility").GetProperty("offsets");
        var prescriptions = root.GetProperty("prescribing").GetProperty("prescriptions");
        var duplicates = root.GetProperty("prescribing").GetProperty("duplicates");
        var polypharmacy = root.GetProperty("prescribing").GetProperty("polypharmacy");
        var oralDrugCost = root.GetProperty("prescribing").GetProperty("oralDrugCost");
        var secondClinic = duplicates.GetProperty("secondClinic");
        var spendingShares = Doubles(spending.GetProperty("shareByAgeGroup"));
        var spendingGroups = Ints(spending.GetProperty("ageGroups"));
        // What the JSON Schema cannot say: one share per group, groups from age 0 on 5-year bands (the pilot tallies
        // by band), shares summing to 1.
        if (spendingShares.Length != spendingGroups.Length || spendingGroups[0] != 0 || spendingGroups.Any(g => g % 5 != 0)
            || Math.Abs(spendingShares.Sum() - 1) > 0.005)
            throw new InvalidDataException("calibration.json spending: give one share per age group, the groups starting at 0 on 5-year bands and the shares summing to 1");
        if (genericAges.GetProperty("offsets").GetArrayLength() != genericAges.GetProperty("ageGroups").GetArrayLength())
            throw new InvalidDataException("calibration.json prescribing.generics.age: give one offset per age group");
        if (days.GetProperty("lineShares").GetArrayLength() != days.GetProperty("upTo").GetArrayLength() + 1)
            throw new InvalidDataException("calibration.json prescribing.days: give one line share per bucket, one more than the bounds in upTo");
        if (!prescriptions.GetProperty("ageGroups").EnumerateArray().Select(g => g.GetInt32()).SequenceEqual(spendingGroups)
            || prescriptions.GetProperty("perPersonYear").GetArrayLength() != spendingGroups.Length)
            throw new InvalidDataException("calibration.json prescribing.prescriptions: give one rate per spending age group, in the same groups as spending");
        if (!polypharmacy.GetProperty("ageGroups").EnumerateArray().Select(g => g.GetInt32()).SequenceEqual(spendingGroups)
            || polypharmacy.GetProperty("fiveOrMore").GetArrayLength() != spendingGroups.Length)
            throw new InvalidDataException("calibration.json prescribing.polypharmacy: give one share per spending age group, in the same groups as spending");
        if (!oralDrugCost.GetProperty("ageGroups").EnumerateArray().Select(g => g.GetInt32()).SequenceEqual(spendingGroups)
            || oralDrugCost.GetProperty("yenPerPersonYear").GetArrayLength() != spendingGroups.Length)
            throw new InvalidDataException("calibration.json prescribing.oralDrugCost: give one cost per spending age group, in the same groups as spending");
        return new Calibration
        {
            PopulationMale = Doubles(population.GetProperty("male")),
            PopulationFemale = Doubles(population.GetProperty("female")),
            Prefecture65Share = Doubles(population.GetProperty("prefecture65Share").GetProperty("values")),
            MortalityMale = Doubles(mortality.GetProperty("male")),
            MortalityFemale = Doubles(mortality.GetProperty("female")),
            InsurerKinds = Ints(insurance.GetProperty("kinds")),
            InsurerShares = insurance.GetProperty("shares").EnumerateArray().Select(Doubles).ToArray(),
            JobChangeAges = Ints(jobChange.GetProperty("ageBands")),
            JobChangeRates = Doubles(jobChange.GetProperty("rates")),
            MarriageAges = Ints(marriage.GetProperty("ageBands")),
            MarriageFemale = Doubles(marriage.GetProperty("femaleAnnualRate")),
            MarriageMale = Doubles(marriage.GetProperty("maleAnnualRate")),
            Prevalence = prevalence.EnumerateObject().ToDictionary(p => p.Name, p => new Prevalence(
                Doubles(p.Value.GetProperty("male")), Doubles(p.Value.GetProperty("female")),
                p.Value.GetProperty("diagnosedShare").GetDouble(), p.Value.GetProperty("treatedShare").GetDouble(),
                p.Value.GetProperty("source").GetString()!)),
            MetabolicLoading = comorbidity.GetProperty("metabolicLoading").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble()),
            Requires = comorbidity.TryGetProperty("requires", out var requires)
                ? requires.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!)
                : new Dictionary<string, string>(),
            Progression = comorbidity.TryGetProperty("progression", out var progression)
                ? progression.EnumerateArray().Select(p => (p.GetProperty("from").GetString()!, p.GetProperty("to").GetString()!, p.GetProperty("minYears").GetDouble())).ToArray()
                : [],
            Id5MissingShare = root.GetProperty("identity").GetProperty("id5MissingShare").GetDouble(),
            VariantSpellingShare = root.GetProperty("identity").GetProperty("variantSpellingShare").GetDouble(),
            BirthsPerPersonYear = root.GetProperty("births").GetProperty("perPersonYear").GetDouble(),
            DpcPerDiemPoints = utilisation.GetProperty("dpcPerDiemPoints").GetProperty("value").GetDouble(),
            FidelityTargets = root.GetProperty("fidelityTargets").EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object)
                .ToDictionary(p => p.Name, p => new Target(p.Value.GetProperty("value").GetDouble(), p.Value.GetProperty("tolerance").GetDouble(),
                    p.Value.GetProperty("source").GetString()!)),
            ClaimsPerPersonYear = Numbers(utilisation.GetProperty("claimsPerPersonYear")),
            OutpatientClaimsByAge = Doubles(byAge.GetProperty("medicalOutpatient")),
            DentalClaimsByAge = Doubles(byAge.GetProperty("dental")),
            InpatientClaimsByAge = Doubles(byAge.GetProperty("inpatient")),
            MeanPointsPerClaim = Numbers(utilisation.GetProperty("meanPointsPerClaim")),
            Spending = new Spending(spendingGroups, spendingShares,
                Numbers(spending.GetProperty("perCapitaYen")), Numbers(byKind.GetProperty("perCapitaRatio65PlusToUnder65")),
                spending.GetProperty("source").GetString()!, byKind.GetProperty("source").GetString()!),
            Generics = new GenericShares(generics.GetProperty("nationalShare").GetDouble(), generics.GetProperty("tolerance").GetDouble(),
                generics.GetProperty("prefecture").GetProperty("offsets").EnumerateObject().ToDictionary(p => int.Parse(p.Name), p => p.Value.GetDouble()),
                Ints(genericAges.GetProperty("ageGroups")), Doubles(genericAges.GetProperty("offsets")),
                new Dictionary<FacilityKind, double>
                {
                    [FacilityKind.Clinic] = genericFacilities.GetProperty("clinic").GetDouble(),
                    [FacilityKind.Hospital] = genericFacilities.GetProperty("hospital").GetDouble(),
                    [FacilityKind.DpcHospital] = genericFacilities.GetProperty("dpcHospital").GetDouble(),
                },
                generics.GetProperty("source").GetString()!, generics.GetProperty("prefecture").GetProperty("source").GetString()!),
            PrescriptionDays = new PrescriptionDays(Ints(days.GetProperty("upTo")), Doubles(days.GetProperty("lineShares")), days.GetProperty("tolerance").GetDouble(),
                Doubles(days.GetProperty("chronicMonths")), days.GetProperty("thirtyDayShare").GetDouble(),
                Doubles(days.GetProperty("episodeDays").GetProperty("weights")), days.GetProperty("source").GetString()!),
            ChildDoses = new ChildDoses(Doubles(children.GetProperty("ages")), Doubles(children.GetProperty("fractions")),
                children.GetProperty("powdersUnder").GetInt32()),
            Prescriptions = new PrescriptionRates(spendingGroups, Doubles(prescriptions.GetProperty("perPersonYear")),
                prescriptions.GetProperty("tolerance").GetDouble(), prescriptions.GetProperty("source").GetString()!),
            Polypharmacy = new Polypharmacy(spendingGroups, Doubles(polypharmacy.GetProperty("fiveOrMore")),
                polypharmacy.GetProperty("sevenOrMoreAged75").GetDouble(), polypharmacy.GetProperty("tolerance").GetDouble(),
                polypharmacy.GetProperty("source").GetString()!),
            OralDrugCost = new OralDrugCost(spendingGroups, Doubles(oralDrugCost.GetProperty("yenPerPersonYear")),
                oralDrugCost.GetProperty("tolerance").GetDouble(), oralDrugCost.GetProperty("source").GetString()!),
            Duplicates = new DuplicatePrescriptions(
                duplicates.GetProperty("groups").EnumerateArray().Select(g => new DuplicateGroup(g.GetProperty("name").GetString()!,
                    g.GetProperty("drugClasses").EnumerateArray().Select(c => c.GetInt16()).ToHashSet(), g.GetProperty("share").GetDouble(),
                    g.GetProperty("tolerance").GetDouble())).ToArray(),
                secondClinic.GetProperty("episodes").EnumerateArray().Select(e => e.GetString()!).ToHashSet(StringComparer.Ordinal),
                secondClinic.GetProperty("chance").GetDouble(), duplicates.GetProperty("source").GetString()!),
            AverageStayDays = Doubles(utilisation.GetProperty("averageStayDays").GetProperty("values")),
            OutsidePrescriptionRate = utilisation.GetProperty("outsidePrescriptionRate").GetProperty("national").GetDouble(),
            SamePrefectureShare = utilisation.GetProperty("sameprefectureShare").GetDouble(),
            DpcBedShare = utilisation.GetProperty("dpcBedShare").GetDouble(),
            SuspectedDiagnosisShare = utilisation.GetProperty("suspectedDiagnosisShare").GetProperty("value").GetDouble(),
            SeasonWeights = seasonality.GetProperty("monthWeights").EnumerateObject().ToDictionary(p => p.Name, p => Doubles(p.Value)),
            EpisodesPerPersonYear = seasonality.GetProperty("annualEpisodesPerPerson").EnumerateObject()
                .Where(p => p.Value.ValueKind == JsonValueKind.Array && p.Name != "ageBands")
                .ToDictionary(p => p.Name, p => Doubles(p.Value)),
            CheckupAges = Ints(checkups.GetProperty("participation").GetProperty("ageBands")),
            CheckupParticipation = checkups.GetProperty("participation").GetProperty("byInsurer").EnumerateObject().ToDictionary(
                p => int.Parse(p.Name), p => (Doubles(p.Value.GetProperty("male")), Doubles(p.Value.GetProperty("female")))),
            CheckupMonthWeights = Doubles(checkups.GetProperty("monthWeights")),
            CheckupTargets = checkups.GetProperty("targets").EnumerateObject().ToDictionary(p => p.Name, p => new Target(
                p.Value.GetProperty("value").GetDouble(),
                p.Value.TryGetProperty("tolerance", out var t) ? t.GetDouble() : null,
                p.Value.GetProperty("source").GetString()!)),
            RelativeTolerance = tolerances.GetProperty("relative").GetDouble(),
            AbsoluteTolerance = tolerances.GetProperty("absolute").GetDouble(),
            PopulationSource = population.GetProperty("source").GetString()!,
            UtilisationSource = utilisation.GetProperty("source").GetString()!,
        };
    }

    /// <summary>The band's value from a table keyed by band lower bounds (e.g. 15, 20, … 70).</summary>
    public static double ByBand(int[] bands, double[] values, int age)
    {
        if (age < bands[0]) return 0;
        var i = Array.FindLastIndex(bands, b => b <= age);
        return values[Math.Min(i, values.Length - 1)];
    }

    private static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(x => x.GetDouble()).ToArray();

    private static int[] Ints(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();

    private static Dictionary<string, double> Numbers(JsonElement e) =>
        e.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number).ToDictionary(p => p.Name, p => p.Value.GetDouble());
}
