namespace Claims.SyntheticGen.Claims;

/// <summary>
/// What the modelled conditions and episodes leave out, set by a pilot run (<see cref="UtilisationCalibrator"/>):
/// per-age-band annual rates of minor outpatient reasons, dental episodes and other admissions, which top the
/// volumes up to the national claim counts; and the intensity of care per receipt — further laboratory items
/// on outpatient receipts, items per inpatient day, co-prescriptions per prescription, treatment items per
/// dental visit — which brings the mean points per claim to the national figures; and the mortality normaliser.
/// </summary>
public sealed class PilotCalibration
{
    public double[] Minor { get; } = new double[21];
    public double[] Dental { get; } = new double[21];
    public double[] Admissions { get; } = new double[21];
    public double ExtraLabs { get; set; }
    public double InpatientItemsPerDay { get; set; }
    public double CoPrescriptions { get; set; }
    public double DentalItems { get; set; }

    /// <summary>
    /// Mean of the product of condition mortality multipliers by age band and sex (index band × 2 + sex − 1);
    /// dividing by it keeps all-cause mortality at the national rates although conditions cluster.
    /// </summary>
    public double[] MortalityNormaliser { get; } = Enumerable.Repeat(1.0, 42).ToArray();
}
