using Claims.SyntheticGen.Randomness;

namespace Claims.SyntheticGen.Population;

/// <summary>An inpatient stay that may run over several months.</summary>
public sealed class Stay
{
    public required int Facility { get; init; }
    public required DateOnly Admission { get; init; }
    public required DateOnly Discharge { get; init; }
    public required int Reason { get; init; }
    public required string ReasonKind { get; init; }
    public required bool Surgery { get; init; }
}

/// <summary>A diagnosis a clinic keeps on its claims long after it stopped mattering (the noise researchers fight).</summary>
public readonly record struct OpenDiagnosis(int Facility, string Code, string Icd10, DateOnly Start, int UntilMonth);

/// <summary>One synthetic person: who they are, what they have, where they go. Mutated month by month.</summary>
public sealed class Person
{
    public required int Index { get; init; }
    public required sbyte Sex { get; init; }
    public required DateOnly Birth { get; init; }
    public required sbyte Prefecture { get; init; }
    public required int FirstMonth { get; init; }
    public int DeathMonth { get; set; } = int.MaxValue;
    public int BirthMonth => MonthMath.Of(Birth);
    public bool IsMale => Sex == 1;

    public sbyte InsurerKind { get; set; }
    public long InsurerNumber { get; set; }
    public long SymbolNumber { get; set; }
    public long OldestInsuredNumber { get; set; }
    public required string FamilyName { get; set; }
    public required string GivenName { get; init; }

    public byte[] Id1 { get; } = new byte[32];
    public byte[] Id2 { get; } = new byte[32];
    public byte[] Id2Variant { get; } = new byte[32];
    public byte[] Id5 { get; } = new byte[32];

    public double Metabolic { get; init; }
    public double BmiZ { get; init; }
    public bool Smoker { get; init; }
    public sbyte Alcohol { get; init; }
    public bool Exercises { get; init; }

    /// <summary>Per condition (clinical.json order): onset and diagnosis month (int.MaxValue = never), treatment, regimen.</summary>
    public required int[] Onset { get; init; }
    public required int[] Diagnosed { get; init; }
    public required bool[] Treated { get; init; }
    public required int[][] Regimens { get; init; }
    public required int[] Phase { get; init; }
    public required int[] DiagnosisChoice { get; init; }

    /// <summary>Covered as a dependant (家族) rather than as the insured person (本人).</summary>
    public required bool Dependant { get; init; }

    public required int Clinic { get; init; }

    /// <summary>A second clinic for specialist follow-up (orthopaedics, ophthalmology, …) and many minor complaints.</summary>
    public required int Specialist { get; init; }
    public required int Hospital { get; init; }
    public required int Pharmacy { get; init; }
    public required int Dental { get; init; }

    public Stay? Stay { get; set; }
    public List<OpenDiagnosis> OpenDiagnoses { get; } = [];
    /// <summary>How often id1 or id2 changed during the window (new insurer, turning 75, marriage).</summary>
    public int IdentityChanges { get; set; }
    public int ReceiptSequence { get; set; }
    public int CheckupSequence { get; set; }
    public Rng Rng;

    public int AgeAt(int month) => (month - BirthMonth) / 12;

    public bool Has(int condition, int month) => Onset[condition] <= month;

    public bool IsTreated(int condition, int month) => Treated[condition] && Diagnosed[condition] <= month;

    public bool IsAlive(int month) => month >= FirstMonth && month <= DeathMonth;
}
