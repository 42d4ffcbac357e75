namespace Claims.SyntheticGen.Model;

/// <summary>
/// calibration.json prescribing.polypharmacy: by age group (spending's groups, which start at <see cref="AgeGroups"/>),
/// the share of pharmacy receipts that carry five or more distinct drugs; and, as a check of the tail the pilot does not
/// aim at, the share with seven or more at 75 and over.
/// </summary>
public sealed record Polypharmacy(int[] AgeGroups, double[] FiveOrMore, double SevenOrMoreAged75, double Tolerance, string Source)
{
    public string Label(int group) => AgeBands.Label(AgeGroups, group);
}
