using Claims.Import.Reading;

namespace Claims.Import.Reporting;

/// <summary>What one file's receipts add up to while they are imported: the GO check's total and the file's report line.</summary>
internal sealed class FileTally
{
    private readonly HashSet<string> _charts = [];
    private int _receipts, _rejected;

    /// <summary>The receipts' totals as the file states them, rejected receipts included: GO counts them all.</summary>
    public long Points { get; private set; }

    public void Add(UkeReceipt receipt, int totalPoints, bool accepted)
    {
        _receipts++;
        if (!accepted) _rejected++;
        Points += totalPoints;
        // RE 13, the カルテ番号: the facility's own patient number.
        if (receipt.Re[13].Length > 0) _charts.Add(receipt.Re[13]);
    }

    public UkeFileReport Report(UkeFileRead file) =>
        new(file.Facility.Path, file.Facility.Convention.Name(), file.Facility.BillingMonth, file.Lines, _receipts, _rejected, _charts.Count,
            new SortedDictionary<string, int>(file.RecordCounts.ToDictionary(), StringComparer.Ordinal));
}
