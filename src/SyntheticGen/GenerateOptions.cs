using Claims.Engine;
using Claims.Engine.Storage;

namespace Claims.SyntheticGen;

/// <summary>What `claims generate` asks for.</summary>
public sealed record GenerateOptions
{
    public required string Out { get; init; }
    public required int Persons { get; init; }

    /// <summary>First service month, YYYYMM.</summary>
    public required int From { get; init; }
    public required int Months { get; init; }
    public required ulong Seed { get; init; }
    public int Threads { get; init; } = Environment.ProcessorCount;
    public DatasetAccess Access { get; init; } = DatasetAccess.Public;

    public void Validate()
    {
        if (Persons is < 1 or > 200_000_000) throw new ClaimsException($"--persons {Persons}: must be between 1 and 200,000,000");
        if (Months is < 1 or > 120) throw new ClaimsException($"--months {Months}: must be between 1 and 120");
        MonthKey.Validate(From, "--from");
        if (Threads is < 1 or > 256) throw new ClaimsException($"--threads {Threads}: must be between 1 and 256");
    }
}

/// <summary>
/// What a generation wrote, for the summary line and the benchmark. <see cref="Linkage"/> (part of
/// <see cref="Elapsed"/>) is the time the linker took to fill patient_id; <see cref="Patients"/> is how many it found.
/// </summary>
public sealed record GenerateSummary(long Persons, IReadOnlyDictionary<string, long> RowsPerTable, TimeSpan Elapsed, TimeSpan Linkage, int Patients)
{
    public long Rows => RowsPerTable.Values.Sum();
    public double RowsPerSecond => Rows / Math.Max(Elapsed.TotalSeconds, 1e-9);
}
