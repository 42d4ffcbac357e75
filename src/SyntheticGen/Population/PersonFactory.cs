using Claims.Engine.Linkage;
using Claims.SyntheticGen.Facilities;
using Claims.SyntheticGen.Identity;
using Claims.SyntheticGen.Model;
using Claims.SyntheticGen.Randomness;

namespace Claims.SyntheticGen.Population;

/// <summary>
/// Makes person i from the dataset seed alone, so any thread can make anyone. Age, sex and prefecture follow
/// the 2023 population (prefectures by their share aged 65+ too); conditions come from a liability model: each
/// condition's liability loads on one shared metabolic factor (so diabetes, hypertension and dyslipidaemia
/// cluster) and the person has it from the age at which the national prevalence curve passes their liability's
/// quantile. Cross-sectional prevalence therefore matches the curve at every age, and incidence follows its
/// slope.
/// </summary>
public sealed class PersonFactory
{
    private readonly GeneratorModel _model;
    private readonly ulong _seed;
    private readonly int _firstMonth;
    private readonly int _months;
    private readonly NamePool _names;
    private readonly IdentityHasher _hasher;
    private readonly FacilityDirectory _facilities;
    private readonly double[] _ageSexCumulative;
    private readonly double[] _prefectureYoung;
    private readonly double[] _prefectureOld;
    private readonly double[] _prefectureAll;
    private readonly int[] _parent;
    private readonly (int From, int To, double Years)[] _progression;

    public PersonFactory(GeneratorModel model, ulong seed, int firstMonth, int months, FacilityDirectory facilities)
    {
        _model = model;
        _seed = seed;
        _firstMonth = firstMonth;
        _months = months;
        _facilities = facilities;
        _names = new NamePool((int)(seed % int.MaxValue));
        _hasher = new IdentityHasher(Rng.Mix(seed ^ 0x5A17UL));
        var calibration = model.Calibration;
        _ageSexCumulative = new double[AgeBands.Count * 2];
        var sum = 0.0;
        for (var i = 0; i < AgeBands.Count; i++)
        {
            sum += calibration.PopulationMale[i];
            _ageSexCumulative[2 * i] = sum;
            sum += calibration.PopulationFemale[i];
            _ageSexCumulative[2 * i + 1] = sum;
        }
        _prefectureYoung = Cumulative(model.PrefectureShares.Select((s, i) => s * (1 - calibration.Prefecture65Share[i] / 100)));
        _prefectureAll = Cumulative(model.PrefectureShares);
        _prefectureOld = Cumulative(model.PrefectureShares.Select((s, i) => s * calibration.Prefecture65Share[i] / 100));
        var conditions = model.Clinical.Conditions;
        _parent = conditions.Select(c => calibration.Requires.TryGetValue(c.Id, out var p) ? model.Clinical.Condition(p).Index : -1).ToArray();
        _progression = calibration.Progression
            .Select(p => (model.Clinical.Condition(p.From).Index, model.Clinical.Condition(p.To).Index, p.MinYears)).ToArray();
    }

    private static double[] Cumulative(IEnumerable<double> weights)
    {
        var sum = 0.0;
        return weights.Select(w => sum += w).ToArray();
    }

    /// <summary>Person <paramref name="index"/>: indexes below the population size exist at the start; the rest are born during the window.</summary>
    public Person Create(int index, int population)
    {
        var rng = Rng.For(_seed, (ulong)index);
        sbyte sex;
        DateOnly birth;
        int firstMonth;
        if (index < population)
        {
            var cell = rng.Pick(_ageSexCumulative);
            sex = (sbyte)(cell % 2 + 1);
            var band = cell / 2;
            var age = band * 5 + rng.NextDouble() * (band == AgeBands.Count - 1 ? 6 : 5);
            birth = MonthMath.FirstDay(_firstMonth).AddDays(-(int)(age * 365.25) - 1);
            firstMonth = _firstMonth;
        }
        else
        {
            sex = (sbyte)(rng.Chance(0.512) ? 1 : 2);
            firstMonth = _firstMonth + rng.Next(_months);
            birth = MonthMath.FirstDay(firstMonth).AddDays(rng.Next(MonthMath.Days(firstMonth)));
        }
        var ageNow = (firstMonth - MonthMath.Of(birth)) / 12;
        var prefecture = (sbyte)(rng.Pick(ageNow >= 65 ? _prefectureOld : _prefectureYoung) + 1);
        var metabolic = rng.Normal();
        var (onset, diagnosed, treated, regimens, phase, choice) = Conditions(ref rng, sex == 1, birth, metabolic);
        var care = rng.Chance(_model.Calibration.SamePrefectureShare) ? prefecture : (sbyte)(rng.Pick(_prefectureAll) + 1);
        var person = new Person
        {
            Index = index,
            Sex = sex,
            Birth = birth,
            Prefecture = prefecture,
            FirstMonth = firstMonth,
            FamilyName = _names.FamilyName(ref rng),
            GivenName = _names.GivenName(ref rng),
            Metabolic = metabolic,
            BmiZ = 0.6 * metabolic + 0.8 * rng.Normal(),
            Smoker = rng.Chance(sex == 1 ? 0.25 : 0.07),
            Alcohol = (sbyte)(rng.NextDouble() is var a && a < (sex == 1 ? 0.35 : 0.08) ? 2 : a < (sex == 1 ? 0.65 : 0.38) ? 1 : 0),
            Exercises = rng.Chance(0.3),
            Onset = onset,
            Diagnosed = diagnosed,
            Treated = treated,
            Regimens = regimens,
            Phase = phase,
            DiagnosisChoice = choice,
            Dependant = ageNow < 20 || rng.Chance(ageNow >= 65 ? 0.4 : sex == 1 ? 0.1 : 0.45),
            Clinic = _facilities.Pick(care, FacilityKind.Clinic, ref rng),
            Specialist = _facilities.Pick(care, FacilityKind.Clinic, ref rng),
            Hospital = _facilities.PickHospital(care, ref rng),
            Pharmacy = _facilities.Pick(care, FacilityKind.Pharmacy, ref rng),
            Dental = _facilities.Pick(care, FacilityKind.Dental, ref rng),
        };
        AssignInsurer(person, ref rng, InsurerAt(ageNow, ref rng));
        person.OldestInsuredNumber = person.InsurerNumber * 1_000_000_000L + person.SymbolNumber;
        _hasher.Id5(person.OldestInsuredNumber, person.Id5);
        HashName(person);
        person.Rng = rng;
        return person;
    }

    private (int[], int[], bool[], int[][], int[], int[]) Conditions(ref Rng rng, bool male, DateOnly birth, double metabolic)
    {
        var conditions = _model.Clinical.Conditions;
        var calibration = _model.Calibration;
        var onset = new int[conditions.Count];
        var diagnosed = new int[conditions.Count];
        var treated = new bool[conditions.Count];
        var regimens = new int[conditions.Count][];
        var phase = new int[conditions.Count];
        var choice = new int[conditions.Count];
        var quantiles = new double[conditions.Count];
        var birthMonth = MonthMath.Of(birth);
        for (var c = 0; c < conditions.Count; c++)
        {
            var definition = conditions[c];
            var loading = calibration.MetabolicLoading.GetValueOrDefault(definition.Id);
            var liability = Math.Sqrt(loading) * metabolic + Math.Sqrt(1 - loading) * rng.Normal();
            // A condition that requires another shares its quantile, so it only occurs in people who have the other.
            quantiles[c] = _parent[c] >= 0 ? quantiles[_parent[c]] : Normal.Cdf(-liability);
            var prevalence = calibration.Prevalence[definition.Id];
            var age = AgeBands.FirstAgeReaching(prevalence.For(male), quantiles[c]);
            onset[c] = age is { } years ? birthMonth + (int)(years * 12) : int.MaxValue;
            var share = rng.NextDouble();
            diagnosed[c] = onset[c] != int.MaxValue && share < prevalence.DiagnosedShare ? onset[c] + rng.Next(7) : int.MaxValue;
            treated[c] = diagnosed[c] != int.MaxValue && share < prevalence.TreatedShare;
            phase[c] = rng.Next(Math.Max(1, definition.VisitEveryMonths));
            // Drawn for the age at diagnosis, and kept.
            regimens[c] = definition.DrawRegimen(ref rng, diagnosed[c] == int.MaxValue ? 120 : (diagnosed[c] - birthMonth) / 12);
            choice[c] = definition.Diagnoses.DrawIndex(ref rng);
        }
        // Progression orders the onsets: nephropathy only years into diabetes, dialysis years into CKD, stroke and
        // heart failure years into hypertension. The rules run in file order, so a chain moves along.
        foreach (var (from, to, years) in _progression)
        {
            if (onset[from] == int.MaxValue || onset[to] == int.MaxValue) continue;
            var earliest = onset[from] + (int)(years * 12);
            if (onset[to] >= earliest) continue;
            var delay = earliest - onset[to];
            onset[to] = earliest;
            if (diagnosed[to] != int.MaxValue) diagnosed[to] += delay;
        }
        return (onset, diagnosed, treated, regimens, phase, choice);
    }

    /// <summary>Insurer kind by age: everyone 75+ is in 後期高齢者医療 (6); below, the national mix of the age band.</summary>
    public sbyte InsurerAt(int age, ref Rng rng)
    {
        if (age >= 75) return 6;
        var shares = _model.Calibration.InsurerShares[AgeBands.Of(age)];
        var kinds = _model.Calibration.InsurerKinds;
        var x = rng.NextDouble() * shares.Sum();
        for (var i = 0; i < kinds.Length; i++)
        {
            x -= shares[i];
            if (x < 0) return (sbyte)kinds[i];
        }
        return (sbyte)kinds[^1];
    }

    /// <summary>Joins an insurer: a new insurer number and symbol/number, so id1 changes.</summary>
    public void AssignInsurer(Person person, ref Rng rng, sbyte kind)
    {
        person.InsurerKind = kind;
        person.InsurerNumber = kind switch
        {
            4 => 100_000 + person.Prefecture * 1_000 + rng.Next(1_000),
            6 => 39_000_000 + person.Prefecture * 10_000 + rng.Next(10_000),
            _ => kind * 10_000_000 + person.Prefecture * 100_000 + rng.Next(100_000),
        };
        person.SymbolNumber = rng.Next(1_000_000_000);
        _hasher.Id1(person.InsurerNumber, person.SymbolNumber, person.Birth, person.Sex, person.Id1);
    }

    /// <summary>Hashes the current name: id2, and the variant spelling some facilities register.</summary>
    public void HashName(Person person)
    {
        _hasher.Id2(person.FamilyName + person.GivenName, person.Birth, person.Sex, person.Id2);
        _hasher.Id2(NamePool.SpellingVariant(person.FamilyName, person.GivenName), person.Birth, person.Sex, person.Id2Variant);
    }

    public string NewFamilyName(ref Rng rng) => _names.FamilyName(ref rng);
}
