namespace Claims.SyntheticGen.Model;

/// <summary>
/// calibration.json prescribing.oralDrugCost: yen of oral drugs (内服薬 薬剤料) pharmacies dispense per person-year, by
/// age group (spending's groups, which start at <see cref="AgeGroups"/>).
/// </summary>
public sealed record OralDrugCost(int[] AgeGroups, double[] YenPerPersonYear, double Tolerance, string Source)
{
    public string Label(int group) => AgeBands.Label(AgeGroups, group);
}
