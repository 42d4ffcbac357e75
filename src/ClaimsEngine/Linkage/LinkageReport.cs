using Claims.Engine.Storage;

namespace Claims.Engine.Linkage;

/// <summary>One method's pairwise accuracy over all receipts.</summary>
public sealed record LinkageAccuracy(string Method, double Precision, double Recall, int Patients);

/// <summary>Measures every linkage method against a synthetic dataset's ground truth (truth/receipts.parquet).</summary>
public static class LinkageReport
{
    public static IReadOnlyList<LinkageAccuracy> Measure(Dataset dataset)
    {
        var truth = LinkageTruth.ReadReceipts(dataset.Directory);
        var receipts = dataset.Table("receipts");
        var persons = new int[checked((int)receipts.RowCount)];
        var row = 0;
        foreach (var partition in receipts.Partitions)
        {
            var ids = partition.Column("receipt_id").Values<long>();
            for (var i = 0; i < ids.Length; i++)
            {
                persons[row++] = truth.TryGetValue(ids[i], out var person)
                    ? person
                    : throw new ClaimsException($"receipts/{partition.Key} row {i}: receipt_id {ids[i]} has no true person in {LinkageTruth.ReceiptsFile(dataset.Directory)}");
            }
        }
        return LinkageMethods.All.Select(method =>
        {
            var clusters = PatientClusters.Compute(dataset, method);
            var accuracy = PairwiseAccuracy.Compute(clusters.Receipts.SelectMany(p => p).ToArray(), persons);
            return new LinkageAccuracy(method.Name(), accuracy.Precision, accuracy.Recall, clusters.PatientCount);
        }).ToArray();
    }
}
