namespace Claims.SyntheticGen.Claims;

/// <summary>
/// What the modelled conditions and episodes leave out, set by a pilot run (<see cref="UtilisationCalibrator"/>):
/// per-age-band annual rates of minor outpatient reasons, dental episodes and other admissions, which top the
/// volumes up to the national claim counts; and the intensity of care per receipt — further laboratory items
/// on outpatient receipts, items per inpatient day, treatment items per dental visit — which brings the mean points
/// per claim to the national figures; the care by age group, which shares the medical points among ages as the nation
/// spends; how readily outpatient episodes prescribe, which gives each age the prescriptions the nation's pharmacies
/// fill; co-prescriptions by age group, how many and how costly, which give each age the nation's drugs per pharmacy
/// receipt and oral drug cost; and the mortality normaliser.
/// </summary>
public sealed class PilotCalibration(int ageGroups)
{
    public double[] Minor { get; } = new double[21];
    public double[] Dental { get; } = new double[21];
    public double[] Admissions { get; } = new double[21];
    public double ExtraLabs { get; set; }
    public double InpatientItemsPerDay { get; set; }
    public double DentalItems { get; set; }

    /// <summary>
    /// Multiplies, by age group (calibration.json spending), the care per inpatient day (DPC per diem, items per day)
    /// and the further laboratory items per outpatient receipt: the elderly's long stays cost less a day than acute
    /// care of the young, and without this their share of spending comes out some ten points above the nation's.
    /// </summary>
    public double[] CareByAgeGroup { get; } = Enumerable.Repeat(1.0, ageGroups).ToArray();

    /// <summary>
    /// How readily an outpatient episode prescribes, by age group (calibration.json spending's groups): up to 1 the
    /// chance a minor complaint's first visit prescribes, above it the chance each later visit of an episode prescribes
    /// again. Many of the elderly's visits are for rehabilitation, injections or a check, and children's doctors
    /// prescribe from visit to visit; without this the elderly would fill a third more prescriptions than the nation's
    /// pharmacies count, and children a fifth fewer.
    /// </summary>
    public double[] Prescribing { get; } = Enumerable.Repeat(1.0, ageGroups).ToArray();

    /// <summary>
    /// Mean symptomatic co-prescriptions on a prescription, by age group (spending's groups), before the person's own
    /// propensity: set so that each group's share of pharmacy receipts with five or more drugs is the nation's
    /// (calibration.json prescribing.polypharmacy). The regimens of treated conditions give the elderly most of their
    /// drugs; co-prescriptions fill the rest. It starts near where the pilot ends at every age, since in-house
    /// prescriptions put co-prescriptions on outpatient receipts, whose points without intensity are measured with them.
    /// </summary>
    public double[] CoPrescriptions { get; } = Enumerable.Repeat(2.0, ageGroups).ToArray();

    /// <summary>
    /// By age group, how far co-prescriptions lean toward a complaint's costlier drugs (above 0) or its cheaper ones
    /// (below 0): the power of the daily price that multiplies a drug's weight in the draw. Set so that each group's oral
    /// drug cost at pharmacies is the nation's (calibration.json prescribing.oralDrugCost): with drug counts fixed by
    /// age, it stands in for what the model lacks, the specialty drugs of younger adults (psychiatric, biologic,
    /// antiviral) and the old generics of the very old.
    /// </summary>
    public double[] CoPrescriptionLean { get; } = new double[ageGroups];

    /// <summary>
    /// Mean of the product of condition mortality multipliers by age band and sex (index band × 2 + sex − 1);
    /// dividing by it keeps all-cause mortality at the national rates although conditions cluster.
    /// </summary>
    public double[] MortalityNormaliser { get; } = Enumerable.Repeat(1.0, 42).ToArray();
}
