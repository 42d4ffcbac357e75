namespace Claims.SyntheticGen.Model;

/// <summary>
/// calibration.json prescribing.prescriptions: prescriptions filled at pharmacies (処方箋 receptions) per
/// person-year, by age group (spending's groups, which start at <see cref="AgeGroups"/>).
/// </summary>
public sealed record PrescriptionRates(int[] AgeGroups, double[] PerPersonYear, double Tolerance, string Source)
{
    public string Label(int group) => AgeBands.Label(AgeGroups, group);
}
