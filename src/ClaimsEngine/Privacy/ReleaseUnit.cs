using Claims.Engine.Cohorts;
using Claims.Engine.Schema;
using Claims.Engine.Storage;

namespace Claims.Engine.Privacy;

/// <summary>
/// Whom a cell counts for the threshold and keys its noise by: patients where the dataset is linked, else claims
/// (or checkups), as the NDB's open data counts claims where only those are known (the sampling product).
/// </summary>
internal sealed record ReleaseUnit(ColumnSchema Column, string Plural, bool Patients)
{
    public static ReleaseUnit Of(Dataset dataset, TableSchema table)
    {
        if (EventScan.IsLinked(dataset)) return new ReleaseUnit(table.Column("patient_id"), "patients", true);
        var id = table.Columns.FirstOrDefault(c => c.Name is "receipt_id" or "checkup_id")
            ?? throw new DisclosureException($"table '{table.Name}' has neither patients nor claims to count, so nothing of it can be released from restricted data");
        return new ReleaseUnit(id, id.Name == "checkup_id" ? "checkups" : "claims", false);
    }
}
