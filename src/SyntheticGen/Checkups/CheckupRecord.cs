namespace Claims.SyntheticGen.Checkups;

/// <summary>One 特定健診 result, before it is written; null measurements were not taken.</summary>
public sealed class CheckupRecord
{
    public float Height, Weight, Bmi, Waist, Hba1c, Egfr;
    public short Sbp, Dbp, Tg, Hdl, Ldl, Ast, Alt, Ggt;
    public short? Fpg;
    public sbyte UrineGlucose, UrineProtein, Alcohol;
    public bool MedBp, MedGlucose, MedLipid, Smoking, WeightGain, Exercise;
    public sbyte GuidanceLevel;
}
