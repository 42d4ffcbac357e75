using Claims.Engine.Schema;

namespace Claims.SyntheticGen.Output;

/// <summary>Ground truth rows of one chunk: who each receipt and checkup really belongs to, and each person's conditions.</summary>
public sealed class ChunkTruth
{
    public List<(long ReceiptId, int Person)> Receipts { get; } = [];
    public List<(long CheckupId, int Person)> Checkups { get; } = [];
    public List<TruthPerson> Persons { get; } = [];
    public List<(int Person, string Condition, int OnsetMonth, int? DiagnosedMonth, bool Treated)> Conditions { get; } = [];
}

public sealed record TruthPerson(int Person, sbyte Sex, DateOnly Birth, sbyte Prefecture, int FirstMonth, int? DeathMonth, int IdentityChanges);

/// <summary>Everything one chunk of persons produced: a sink per table per month, and the truth.</summary>
public sealed class ChunkOutput
{
    public ChunkOutput(ClaimsSchema schema, BatchPool pool, int months)
    {
        Receipts = new ReceiptSink[months];
        Diagnoses = new DiagnosisSink[months];
        Procedures = new ItemSink[months];
        Drugs = new ItemSink[months];
        Devices = new ItemSink[months];
        Dpc = new DpcSink[months];
        Checkups = new CheckupSink[months];
        for (var m = 0; m < months; m++)
        {
            Receipts[m] = new ReceiptSink(schema.Table("receipts"), pool);
            Diagnoses[m] = new DiagnosisSink(schema.Table("diagnoses"), pool);
            Procedures[m] = new ItemSink(schema.Table("procedures"), pool);
            Drugs[m] = new ItemSink(schema.Table("drugs"), pool);
            Devices[m] = new ItemSink(schema.Table("devices"), pool);
            Dpc[m] = new DpcSink(schema.Table("dpc"), pool);
            Checkups[m] = new CheckupSink(schema.Table("checkups"), pool);
        }
    }

    public ReceiptSink[] Receipts { get; }
    public DiagnosisSink[] Diagnoses { get; }
    public ItemSink[] Procedures { get; }
    public ItemSink[] Drugs { get; }
    public ItemSink[] Devices { get; }
    public DpcSink[] Dpc { get; }
    public CheckupSink[] Checkups { get; }
    public ChunkTruth Truth { get; } = new();
    public PopulationCounts Population { get; } = new();

    /// <summary>Every sink with its month index, in a fixed order.</summary>
    public IEnumerable<(int Month, TableSink Sink)> Sinks()
    {
        for (var m = 0; m < Receipts.Length; m++)
        {
            yield return (m, Receipts[m]);
            yield return (m, Diagnoses[m]);
            yield return (m, Procedures[m]);
            yield return (m, Drugs[m]);
            yield return (m, Devices[m]);
            yield return (m, Dpc[m]);
            yield return (m, Checkups[m]);
        }
    }
}
