using Claims.Engine.Cohorts;
using System.Globalization;
using Claims.Engine.Storage;

namespace Claims.Sandbox.Datasets;

/// <summary>
/// One dataset as GET /api/datasets lists it. <see cref="Queryable"/> says whether the caller's role may query it
/// (restricted data still needs a project); <see cref="Patients"/> is the linkage's count, when linked.
/// </summary>
public sealed record DatasetInfo(string Name, string Access, bool Synthetic, string Source, long Rows, IReadOnlyList<int> Months, long? Patients,
    string SchemaHash, bool Queryable, string? Requires)
{
    public static DatasetInfo Of(string name, Dataset dataset, string role)
    {
        var manifest = dataset.Manifest;
        var restricted = manifest.Access == DatasetAccess.Restricted;
        return new DatasetInfo(name, restricted ? "restricted" : "public", manifest.Provenance.Synthetic, manifest.Provenance.Source, dataset.RowCount,
            dataset.Tables.SelectMany(t => t.Partitions).Select(p => p.Key).Distinct().Order().ToArray(),
            EventScan.TryPatientCount(dataset, out var patients) ? patients : null,
            manifest.SchemaHash, DatasetGate.MayQuery(dataset, role),
            restricted ? $"an analyst key and an approved project named in the {DatasetGate.ProjectHeader} header (or ?project=)" : null);
    }
}
