namespace Claims.SyntheticGen.Claims;

/// <summary>
/// What the modelled conditions and episodes leave out, set by a pilot run (<see cref="UtilisationCalibrator"/>):
/// per-age-band annual rates of minor outpatient reasons, dental episodes and other admissions, which top the
/// volumes up to the national claim counts; and the intensity of care per receipt — further laboratory items
/// on outpatient receipts, items per inpatient day, co-prescriptions per prescription, treatment items per
/// dental visit — which brings the mean points per claim to the national figures; the care by age group, which
/// shares the medical points among ages as the nation spends; how readily outpatient episodes prescribe, which gives
/// each age the prescriptions the nation's pharmacies fill; and the mortality normaliser.
/// </summary>
public sealed class PilotCalibration(int ageGroups)
{
    public double[] Minor { get; } = new double[21];
    public double[] Dental { get; } = new double[21];
    public double[] Admissions { get; } = new double[21];
    public double ExtraLabs { get; set; }
    public double InpatientItemsPerDay { get; set; }
    public double CoPrescriptions { get; set; }
    public double DentalItems { get; set; }

    /// <summary>
    /// Multiplies, by age group (calibration.json spending), the care per inpatient day (DPC per diem, items per day),
    /// the further laboratory items per outpatient receipt and the co-prescriptions per prescription: the elderly's long stays cost less a day than acute
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
    /// Mean of the product of condition mortality multipliers by age band and sex (index band × 2 + sex − 1);
    /// dividing by it keeps all-cause mortality at the national rates although conditions cluster.
    /// </summary>
    public double[] MortalityNormaliser { get; } = Enumerable.Repeat(1.0, 42).ToArray();
}
