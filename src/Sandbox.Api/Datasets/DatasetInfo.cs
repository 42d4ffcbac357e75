using Claims.Engine.Cohorts;
using Claims.Engine.Storage;

namespace Claims.Sandbox.Datasets;

/// <summary>
/// One dataset as GET /api/datasets lists it. <see cref="Queryable"/> says whether the caller's role may query it
/// (restricted data still needs a project); <see cref="Patients"/> is the linkage's count, when linked. A dataset
/// out of service is listed with <see cref="Available"/> false and <see cref="Unavailable"/> naming the damaged
/// file; what its manifest says is still shown when the manifest reads (null otherwise).
/// </summary>
public sealed record DatasetInfo(string Name, string Access, bool? Synthetic, string? Source, long? Rows, IReadOnlyList<int> Months, long? Patients,
    string? SchemaHash, bool Queryable, string? Requires, bool Available, string? Unavailable)
{
    public static DatasetInfo Of(string name, DatasetRegistry registry, string role)
    {
        var unavailable = registry.Unavailable(name);
        var manifest = registry.Manifest(name);
        var access = registry.Access(name);
        var restricted = access == DatasetAccess.Restricted;
        long? patients = unavailable is null && manifest is not null && EventScan.TryPatientCount(manifest, out var count) ? count : null;
        return new DatasetInfo(name, restricted ? "restricted" : "public", manifest?.Provenance.Synthetic, manifest?.Provenance.Source,
            registry.Rows(name),
            registry.MonthKeys(name),
            patients, manifest?.SchemaHash, unavailable is null && DatasetGate.MayQuery(access, role),
            restricted ? $"an analyst key and an approved project named in the {DatasetGate.ProjectHeader} header (or ?project=)" : null,
            unavailable is null, unavailable);
    }
}
