using Claims.Engine.Schema;
using Claims.SyntheticGen.Claims;
using Claims.SyntheticGen.Model;
using Claims.SyntheticGen.Output;
using Claims.SyntheticGen.Population;
using Claims.SyntheticGen.Randomness;

namespace Claims.SyntheticGen.Checkups;

/// <summary>
/// 特定健診 for ages 40–74: whether a person attends in a fiscal year (by insurer, sex and age) and in which month,
/// and the results. Results follow the person: body size from their metabolic factor, blood pressure, glucose and
/// lipids from their conditions and whether they are treated (a treated diabetic still runs a high HbA1c and
/// answers yes to glucose medication, as their drug claims say), and the guidance level from the rules.
/// </summary>
public sealed class CheckupModel
{
    private readonly Calibration _calibration;
    private readonly GuidanceRules _rules;
    private readonly int _hypertension, _t2dm, _t1dm, _dyslipidaemia, _ckd, _dialysis;

    public CheckupModel(GeneratorModel model)
    {
        _calibration = model.Calibration;
        _rules = new GuidanceRules(model.Schema);
        var clinical = model.Clinical;
        _hypertension = clinical.Condition("hypertension").Index;
        _t2dm = clinical.Condition("t2dm").Index;
        _t1dm = clinical.Condition("t1dm").Index;
        _dyslipidaemia = clinical.Condition("dyslipidaemia").Index;
        _ckd = clinical.Condition("ckd").Index;
        _dialysis = clinical.Condition("dialysis").Index;
    }

    public void MaybeExamine(Person person, int month, int monthIndex, int age, ChunkOutput output, ulong seed)
    {
        if (age is < 40 or > 74) return;
        var fiscalYear = MonthMath.FiscalYear(month);
        // The attendance decision and the exam month are drawn once per fiscal year, from their own stream.
        var rng = Rng.For(seed, (ulong)person.Index, 1_000_000UL + (ulong)fiscalYear);
        if (!rng.Chance(Participation(person, age))) return;
        var examMonth = fiscalYear * 12 + 3 + rng.Pick(FiscalMonthWeights());
        if (examMonth != month || person.Has(_dialysis, month)) return;
        var record = Results(person, month, age, ref rng);
        var day = 1 + rng.Next(MonthMath.Days(month));
        var checkupId = MonthSimulator.CheckupId(person.Index, person.CheckupSequence++);
        output.Checkups[monthIndex].Add(checkupId, MonthMath.ToYyyymm(month), DateDays.From(MonthMath.FirstDay(month).AddDays(day - 1)),
            (short)age, person.Sex, person.Prefecture, person.InsurerKind, person.Id1, person.Id2, person.Id5, rng.Chance(_calibration.Id5MissingShare), record);
        output.Truth.Checkups.Add((checkupId, person.Index));
    }

    private double Participation(Person person, int age)
    {
        if (!_calibration.CheckupParticipation.TryGetValue(person.InsurerKind, out var rates)) return 0;
        return Calibration.ByBand(_calibration.CheckupAges, person.IsMale ? rates.Male : rates.Female, age);
    }

    private double[]? _fiscalCumulative;

    private double[] FiscalMonthWeights()
    {
        if (_fiscalCumulative is not null) return _fiscalCumulative;
        var sum = 0.0;
        return _fiscalCumulative = Enumerable.Range(0, 12).Select(i => sum += _calibration.CheckupMonthWeights[(i + 3) % 12]).ToArray();
    }

    private CheckupRecord Results(Person person, int month, int age, ref Rng rng)
    {
        var male = person.IsMale;
        var years = age - 40;
        var hypertension = person.Has(_hypertension, month);
        var diabetes = person.Has(_t2dm, month) || person.Has(_t1dm, month);
        var dyslipidaemia = person.Has(_dyslipidaemia, month);
        var ckd = person.Has(_ckd, month);
        var bpTreated = person.IsTreated(_hypertension, month);
        var glucoseTreated = person.IsTreated(_t2dm, month) || person.IsTreated(_t1dm, month);
        var lipidTreated = person.IsTreated(_dyslipidaemia, month);

        var height = male ? rng.Normal(170.5 - 0.12 * years, 6) : rng.Normal(157.5 - 0.1 * years, 5.5);
        var bmi = Math.Clamp((male ? 23.9 : 22.3) + (male ? 3.1 : 3.4) * person.BmiZ + rng.Normal(0, 0.6), 15, 45);
        var waist = male ? 84.5 + 2.6 * (bmi - 23.9) + rng.Normal(0, 4) : 80.5 + 2.4 * (bmi - 22.3) + rng.Normal(0, 5);
        var sbp = 110 + 0.4 * years + 1.5 * (bmi - 23) + rng.Normal(0, 10) + (hypertension ? (bpTreated ? 8 : 18) : 0);
        var dbp = 0.55 * sbp + 2 + rng.Normal(0, 6);
        var hba1c = diabetes
            ? (glucoseTreated ? rng.Normal(7.0, 0.8) : rng.Normal(7.4, 1.1))
            : 5.35 + 0.009 * years + 0.08 * person.Metabolic + rng.Normal(0, 0.22);
        hba1c = Math.Clamp(hba1c, 4.0, 14.0);
        // About a third of examinees are not fasting; they get HbA1c only (the rules then decide on it).
        short? fpg = rng.Chance(0.7) ? (short)Math.Clamp(92 + 22 * (hba1c - 5.4) + rng.Normal(0, 7), 60, 500) : null;
        var tg = Math.Clamp(rng.LogNormal(male ? 108 : 82, 0.5) * Math.Exp(0.18 * person.Metabolic) * (dyslipidaemia && !lipidTreated ? 1.35 : 1), 25, 1500);
        var hdl = Math.Clamp((male ? 56 : 68) - 3.5 * (bmi - 23) + rng.Normal(0, 12), 20, 140);
        var ldl = Math.Clamp(108 + (male ? 0.1 : 0.5) * years + rng.Normal(0, 27) + (dyslipidaemia ? (lipidTreated ? -5 : 28) : 0), 40, 350);
        var drinking = person.Alcohol == 2 ? 1.5 : person.Alcohol == 1 ? 1.15 : 1;
        var alt = Math.Clamp(rng.LogNormal(male ? 22 : 15, 0.45) * Math.Exp(0.15 * (bmi - 23) / 3), 5, 500);
        var ast = Math.Clamp(rng.LogNormal(male ? 22 : 19, 0.3) * (alt > 40 ? 1.3 : 1), 8, 500);
        var ggt = Math.Clamp(rng.LogNormal(male ? 32 : 18, 0.55) * drinking, 5, 1000);
        var egfr = Math.Clamp(ckd ? rng.Normal(46, 10) : rng.Normal(84 - 0.55 * years, 12), 5, 130);
        var record = new CheckupRecord
        {
            Height = Round1(height),
            Weight = Round1(bmi * height * height / 10_000),
            Bmi = Round1(bmi),
            Waist = Round1(waist),
            Sbp = (short)Math.Round(sbp),
            Dbp = (short)Math.Round(dbp),
            Fpg = fpg,
            Hba1c = Round1(hba1c),
            Tg = (short)tg,
            Hdl = (short)hdl,
            Ldl = (short)ldl,
            Ast = (short)ast,
            Alt = (short)alt,
            Ggt = (short)ggt,
            Egfr = Round1(egfr),
            UrineGlucose = (sbyte)(hba1c > 8 && rng.Chance(0.6) ? rng.Between(3, 5) : 1),
            UrineProtein = (sbyte)(ckd && rng.Chance(0.5) ? rng.Between(3, 5) : rng.Chance(0.05) ? 2 : 1),
            MedBp = bpTreated,
            MedGlucose = glucoseTreated,
            MedLipid = lipidTreated,
            Smoking = person.Smoker,
            WeightGain = person.BmiZ > 0.3 && rng.Chance(0.75) || rng.Chance(0.1),
            Exercise = person.Exercises,
            Alcohol = person.Alcohol,
        };
        record.GuidanceLevel = _rules.Level(age, male, column => Value(record, column));
        return record;
    }

    private static float Round1(double value) => (float)Math.Round(value, 1);

    /// <summary>A result by its column name, as the guidance rules ask for them.</summary>
    public static double? Value(CheckupRecord r, string column) => column switch
    {
        "height" => r.Height,
        "weight" => r.Weight,
        "bmi" => r.Bmi,
        "waist" => r.Waist,
        "sbp" => r.Sbp,
        "dbp" => r.Dbp,
        "fpg" => r.Fpg,
        "hba1c" => r.Hba1c,
        "tg" => r.Tg,
        "hdl" => r.Hdl,
        "ldl" => r.Ldl,
        "ast" => r.Ast,
        "alt" => r.Alt,
        "ggt" => r.Ggt,
        "egfr" => r.Egfr,
        "med_bp" => r.MedBp ? 1 : 0,
        "med_glucose" => r.MedGlucose ? 1 : 0,
        "med_lipid" => r.MedLipid ? 1 : 0,
        "smoking" => r.Smoking ? 1 : 0,
        _ => null,
    };
}
