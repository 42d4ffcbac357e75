using Claims.Engine.Schema;
using Claims.Engine.Storage;
using Claims.SyntheticGen.Checkups;

namespace Claims.SyntheticGen.Output;

public sealed class CheckupSink(TableSchema table, BatchPool pool) : TableSink(table, pool)
{
    private RowBatch _batch = null!;

    // Checkups are a few percent of rows: writing them by column name keeps this sink short.
    protected override void Bind(RowBatch batch)
    {
        _batch = batch;
        Array.Fill(batch.Nulls("patient_id"), true);
    }

    public void Add(long checkupId, int month, int examDays, short age, sbyte sex, sbyte prefecture, sbyte insurerKind,
        ReadOnlySpan<byte> id1, ReadOnlySpan<byte> id2, ReadOnlySpan<byte> id5, bool id5Missing, CheckupRecord c)
    {
        var r = NewRow();
        var b = _batch;
        b.Values<long>("checkup_id")[r] = checkupId;
        b.Values<int>("exam_month")[r] = month;
        b.Values<int>("exam_date")[r] = examDays;
        b.Values<short>("age")[r] = age;
        b.Values<sbyte>("sex")[r] = sex;
        b.Values<sbyte>("prefecture")[r] = prefecture;
        b.Values<sbyte>("insurer_kind")[r] = insurerKind;
        id1.CopyTo(b.Hashes("id1").AsSpan(r * 32, 32));
        id2.CopyTo(b.Hashes("id2").AsSpan(r * 32, 32));
        if (id5Missing) b.Hashes("id5").AsSpan(r * 32, 32).Clear();
        else id5.CopyTo(b.Hashes("id5").AsSpan(r * 32, 32));
        b.Nulls("id5")[r] = id5Missing;
        b.Values<float>("height")[r] = c.Height;
        b.Values<float>("weight")[r] = c.Weight;
        b.Values<float>("bmi")[r] = c.Bmi;
        b.Values<float>("waist")[r] = c.Waist;
        b.Values<short>("sbp")[r] = c.Sbp;
        b.Values<short>("dbp")[r] = c.Dbp;
        b.Values<short>("fpg")[r] = c.Fpg ?? 0;
        b.Nulls("fpg")[r] = c.Fpg is null;
        b.Values<float>("hba1c")[r] = c.Hba1c;
        b.Values<short>("tg")[r] = c.Tg;
        b.Values<short>("hdl")[r] = c.Hdl;
        b.Values<short>("ldl")[r] = c.Ldl;
        b.Values<short>("ast")[r] = c.Ast;
        b.Values<short>("alt")[r] = c.Alt;
        b.Values<short>("ggt")[r] = c.Ggt;
        b.Values<float>("egfr")[r] = c.Egfr;
        b.Values<sbyte>("urine_glucose")[r] = c.UrineGlucose;
        b.Values<sbyte>("urine_protein")[r] = c.UrineProtein;
        b.Values<bool>("med_bp")[r] = c.MedBp;
        b.Values<bool>("med_glucose")[r] = c.MedGlucose;
        b.Values<bool>("med_lipid")[r] = c.MedLipid;
        b.Values<bool>("smoking")[r] = c.Smoking;
        b.Values<bool>("weight_gain_10kg")[r] = c.WeightGain;
        b.Values<bool>("exercise_habit")[r] = c.Exercise;
        b.Values<sbyte>("alcohol")[r] = c.Alcohol;
        b.Values<sbyte>("guidance_level")[r] = c.GuidanceLevel;
    }
}
