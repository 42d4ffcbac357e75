namespace Claims.SyntheticGen.Facilities;

/// <summary>The facility types a person uses; the digit sits inside the synthetic facility id.</summary>
public enum FacilityKind
{
    Clinic = 1,
    Hospital = 2,
    DpcHospital = 3,
    Pharmacy = 4,
    Dental = 5,
}
