using Claims.SyntheticGen.Facilities;

namespace Claims.SyntheticGen.Model;

/// <summary>
/// calibration.json prescribing.generics: the share of generics by quantity where the master lists both brands and
/// generics of a product, as the national share plus the differences of the pharmacy's prefecture, the patient's
/// age group and the prescriber's kind.
/// </summary>
public sealed record GenericShares(double National, double Tolerance, IReadOnlyDictionary<int, double> Prefectures, int[] AgeGroups,
    double[] AgeOffsets, IReadOnlyDictionary<FacilityKind, double> Prescribers, string Source, string PrefectureSource)
{
    public double Share(int prefecture, int age, FacilityKind prescriber)
    {
        var share = National + Prefectures.GetValueOrDefault(prefecture) + AgeOffsets[AgeBands.GroupOf(AgeGroups, age)] + Prescribers.GetValueOrDefault(prescriber);
        return Math.Clamp(share, 0.01, 0.99);
    }
}
