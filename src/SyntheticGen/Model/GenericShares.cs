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
    private const int MaxAge = 120;

    // Looked up once per prescribed drug: the sums are tabled up front rather than found in dictionaries each time.
    private readonly double[] _byPlace = Place(National, Prefectures, Prescribers);
    private readonly double[] _byAge = Enumerable.Range(0, MaxAge + 1).Select(a => AgeOffsets[AgeBands.GroupOf(AgeGroups, a)]).ToArray();

    public double Share(int prefecture, int age, FacilityKind prescriber) =>
        Math.Clamp(_byPlace[Math.Clamp(prefecture, 0, 47) * 8 + ((int)prescriber & 7)] + _byAge[Math.Clamp(age, 0, MaxAge)], 0.01, 0.99);

    private static double[] Place(double national, IReadOnlyDictionary<int, double> prefectures, IReadOnlyDictionary<FacilityKind, double> prescribers)
    {
        var table = new double[48 * 8];
        for (var prefecture = 0; prefecture < 48; prefecture++)
            for (var kind = 0; kind < 8; kind++)
                table[prefecture * 8 + kind] = national + prefectures.GetValueOrDefault(prefecture) + prescribers.GetValueOrDefault((FacilityKind)kind);
        return table;
    }
}
