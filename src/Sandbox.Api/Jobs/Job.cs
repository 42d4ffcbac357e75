namespace Claims.Sandbox.Jobs;

/// <summary>
/// A unit of background work as stored: what kind, for whom, the request it runs (JSON, read by its
/// <see cref="IJobRunner"/>), and where it stands. A job is succeeded only once its result file is complete and
/// checksummed: the status changes last.
/// </summary>
public sealed record Job(
    string Id,
    string Kind,
    string? ProjectId,
    string UserId,
    string Request,
    string Status,
    DateTimeOffset Created,
    DateTimeOffset? Started,
    DateTimeOffset? Finished,
    int Attempts,
    string? Error,
    string? ResultPath,
    long? ResultBytes,
    string? ResultSha256,
    IReadOnlyList<JobFile>? Files,
    DateTimeOffset? ResultExpires)
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    public JobInfo ToInfo() => new(Id, Kind, Status, ProjectId, Created, Started, Finished, Error, Attempts,
        Status == Succeeded ? new JobResultInfo(ResultBytes ?? 0, ResultSha256 ?? "", Files ?? [], ResultExpires, ResultPath is not null) : null);
}

/// <summary>One file inside a job's result (an extract's table).</summary>
public sealed record JobFile(string Table, string File, long Rows);

/// <summary>What a runner hands back: the finished result file and what it holds.</summary>
public sealed record JobResult(string Path, long Bytes, string Sha256, IReadOnlyList<JobFile> Files);

/// <summary>A job as the API shows it; result only once succeeded.</summary>
public sealed record JobInfo(
    string Id,
    string Kind,
    string Status,
    string? ProjectId,
    DateTimeOffset Created,
    DateTimeOffset? Started,
    DateTimeOffset? Finished,
    string? Error,
    int Attempts,
    JobResultInfo? Result);

/// <summary>A succeeded job's result: what it held, when the retention deletes it, and whether it is still there to download.</summary>
public sealed record JobResultInfo(long Bytes, string Sha256, IReadOnlyList<JobFile> Files, DateTimeOffset? ExpiresAt, bool Available);
