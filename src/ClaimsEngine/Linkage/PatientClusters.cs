using Claims.Engine.Storage;

namespace Claims.Engine.Linkage;

/// <summary>
/// One method's patient of every receipt and checkup, held in memory (4 bytes a record): for measuring and
/// comparing methods. Writing patient_id into the store streams instead (<see cref="PatientIdWriter"/>).
/// </summary>
internal sealed class PatientClusters
{
    private PatientClusters(LinkageMethod method, int patients, int[][] receipts, int[][] checkups)
    {
        Method = method;
        PatientCount = patients;
        Receipts = receipts;
        Checkups = checkups;
    }

    public LinkageMethod Method { get; }

    /// <summary>Patients are numbered 0..PatientCount-1 in order of first appearance (receipts by month, then checkups).</summary>
    public int PatientCount { get; }

    /// <summary>The patient of each receipt, one array per receipts partition in month order.</summary>
    public IReadOnlyList<int[]> Receipts { get; }

    /// <summary>The patient of each checkup, one array per checkups partition in month order.</summary>
    public IReadOnlyList<int[]> Checkups { get; }

    public static PatientClusters Compute(Dataset dataset, LinkageMethod method)
    {
        var index = LinkageIndex.Build(dataset, method);
        var receipts = Assign(index, dataset.Table("receipts"));
        var checkups = Assign(index, dataset.Table("checkups"));
        return new PatientClusters(method, index.PatientCount, receipts, checkups);
    }

    private static int[][] Assign(LinkageIndex index, DatasetTable table) =>
        table.Partitions.Select(partition =>
        {
            var patients = new int[partition.RowCount];
            index.Assign(partition, patients);
            return patients;
        }).ToArray();
}
