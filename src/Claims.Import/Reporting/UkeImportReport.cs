namespace Claims.Import;

/// <summary>What an import read, kept, rejected and why; written as DIR/import/report.json beside the dataset.</summary>
public sealed record UkeImportReport(
    string Out,
    IReadOnlyList<UkeFileReport> Files,
    long ReceiptsRead,
    long ReceiptsImported,
    long ReceiptsRejected,
    int Patients,
    long PointsImported,
    IReadOnlyDictionary<string, long> Rows,
    IReadOnlyDictionary<string, int> FailuresByRule,
    IReadOnlyList<string> Failures,
    IReadOnlyList<UnknownCode> UnknownCodes,
    IReadOnlyDictionary<string, int> RecordsNotStored,
    bool Strict,
    string? RejectsFile);

/// <summary>
/// One input file: its date convention, size and records by type. <see cref="ChartNumbers"/> counts the distinct
/// カルテ番号 (RE 13), the facility's own patient number: a cross-check on linkage, which never sees it.
/// </summary>
public sealed record UkeFileReport(string Path, string DateConvention, int BillingMonth, int Lines, int Receipts, int Rejected,
    int ChartNumbers, IReadOnlyDictionary<string, int> Records);

/// <summary>A code no basic master holds, kept as written, and how often it was seen.</summary>
public sealed record UnknownCode(string Master, string Code, int Count);
