using Claims.SyntheticGen.Randomness;

namespace Claims.SyntheticGen.Facilities;

/// <summary>
/// The synthetic facilities of each prefecture, sized to the persons generated there. Ids come from a range no
/// real facility code uses: 9 PP K NNNNN (prefecture PP, kind K), i.e. 900,000,000 and up, so synthetic claims
/// can never be mistaken for real ones.
/// </summary>
public sealed class FacilityDirectory
{
    public const int SyntheticBase = 900_000_000;

    private readonly int[][][] _byPrefectureAndKind;
    private readonly double _outsidePrescriptionRate;

    public FacilityDirectory(IReadOnlyList<double> prefectureShares, long persons, double dpcShare, double outsidePrescriptionRate)
    {
        _outsidePrescriptionRate = outsidePrescriptionRate;
        _byPrefectureAndKind = new int[48][][];
        for (var p = 1; p <= 47; p++)
        {
            var people = Math.Max(1.0, persons * prefectureShares[p - 1]);
            // Floors keep small datasets from funnelling a whole prefecture into one clinic: people see several.
            var hospitals = Count(people, 15_000, 3);
            var dpc = (int)Math.Ceiling(hospitals * dpcShare);
            _byPrefectureAndKind[p] = new int[6][];
            _byPrefectureAndKind[p][(int)FacilityKind.Clinic] = Ids(p, FacilityKind.Clinic, Count(people, 1_200, 40));
            _byPrefectureAndKind[p][(int)FacilityKind.DpcHospital] = Ids(p, FacilityKind.DpcHospital, dpc);
            _byPrefectureAndKind[p][(int)FacilityKind.Hospital] = Ids(p, FacilityKind.Hospital, Math.Max(1, hospitals - dpc));
            _byPrefectureAndKind[p][(int)FacilityKind.Pharmacy] = Ids(p, FacilityKind.Pharmacy, Count(people, 2_000, 10));
            _byPrefectureAndKind[p][(int)FacilityKind.Dental] = Ids(p, FacilityKind.Dental, Count(people, 1_800, 10));
        }
    }

    private static int Count(double people, int perFacility, int floor) => Math.Clamp((int)Math.Ceiling(people / perFacility), floor, 99_999);

    private static int[] Ids(int prefecture, FacilityKind kind, int count) =>
        Enumerable.Range(0, count).Select(n => SyntheticBase + prefecture * 1_000_000 + (int)kind * 100_000 + n).ToArray();

    public int Pick(int prefecture, FacilityKind kind, ref Rng rng)
    {
        var ids = _byPrefectureAndKind[prefecture][(int)kind];
        return ids[rng.Next(ids.Length)];
    }

    /// <summary>A hospital of the prefecture, DPC or not in proportion to DPC beds.</summary>
    public int PickHospital(int prefecture, ref Rng rng)
    {
        var dpc = _byPrefectureAndKind[prefecture][(int)FacilityKind.DpcHospital].Length;
        var other = _byPrefectureAndKind[prefecture][(int)FacilityKind.Hospital].Length;
        return Pick(prefecture, rng.Next(dpc + other) < dpc ? FacilityKind.DpcHospital : FacilityKind.Hospital, ref rng);
    }

    /// <summary>The pharmacy by a facility's door (門前薬局), where most of its patients fill their prescriptions.</summary>
    public int PharmacyNear(int facilityId)
    {
        var pharmacies = _byPrefectureAndKind[PrefectureOf(facilityId)][(int)FacilityKind.Pharmacy];
        return pharmacies[(int)(Rng.Mix((ulong)facilityId) % (ulong)pharmacies.Length)];
    }

    public static FacilityKind KindOf(int facilityId) => (FacilityKind)(facilityId / 100_000 % 10);

    public static int PrefectureOf(int facilityId) => facilityId / 1_000_000 % 100;

    /// <summary>Whether a facility sends prescriptions to a pharmacy (院外処方) or dispenses in-house; fixed per facility.</summary>
    public bool PrescribesOutside(int facilityId) =>
        (Rng.Mix((ulong)facilityId) >> 11) * (1.0 / (1UL << 53)) < _outsidePrescriptionRate;
}
