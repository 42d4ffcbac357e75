using System.IO.Compression;
using System.Security.Claims;
using Claims.Sandbox.Audit;
using Claims.Sandbox.Datasets;
using Claims.Sandbox.Hosting;
using Claims.Sandbox.Identity;
using Claims.Sandbox.OpenApi;
using Claims.Sandbox.Projects;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Claims.Sandbox.Jobs;

/// <summary>
/// A job's status and its result. Only the job's owner or an admin sees a job; to anyone else it does not exist
/// (404). The download of restricted rows needs the project's grant at that moment, and is checked against the
/// stored SHA-256 before a byte is sent.
/// </summary>
public static class JobsApi
{
    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Jobs").RequireAuthorization();
        api.MapGet("/jobs", ListJobs).WithName("ListJobs").WithSummary("The caller's own jobs, newest first; ?kind=model or ?kind=extract keeps one kind")
            .ProducesProblems(StatusCodes.Status400BadRequest);
        api.MapGet("/jobs/{id}", GetJob).WithName("GetJob").WithSummary("A job's status, and its result once it succeeded")
            .ProducesProblems(StatusCodes.Status404NotFound);
        api.MapGet("/jobs/{id}/download", DownloadJob).WithName("DownloadJob")
            .WithSummary("The job's result (a zip), with its SHA-256 in X-Checksum-SHA256 and Repr-Digest")
            .Produces(StatusCodes.Status200OK, contentType: "application/zip")
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status410Gone);
        api.MapGet("/jobs/{id}/files/{file}", DownloadJobFile).WithName("DownloadJobFile")
            .WithSummary("One file of the job's result, by its name in the job's files (a model job's report.html, say), after the result is checked")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status410Gone);
        api.MapGet("/projects/{id}/jobs", ListProjectJobs).WithName("ListProjectJobs").WithSummary("A project's jobs")
            .ProducesProblems(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>A checked submission queued: 202 with the job at the Location header, or 429 when the queue is full.</summary>
    public static Results<Accepted<NewJob>, ProblemHttpResult> Queue(JobQueue queue, string kind, string projectId, string userId, string request) =>
        queue.Submit(kind, projectId, userId, request) is { } job
            ? TypedResults.Accepted($"/api/jobs/{job.Id}", new NewJob(job.Id))
            : Problems.Result(StatusCodes.Status429TooManyRequests, "the job queue is full; retry in a while", "Too many requests");

    public static Results<Ok<JobInfo>, ProblemHttpResult> GetJob(string id, ClaimsPrincipal user, JobStore jobs) =>
        Visible(id, user, jobs) is { } job ? TypedResults.Ok(job.ToInfo()) : NotFound(id);

    public static Results<Ok<IReadOnlyList<JobInfo>>, ProblemHttpResult> ListJobs(ClaimsPrincipal user, JobStore jobs, IEnumerable<IJobRunner> runners,
        string? kind = null)
    {
        var kinds = runners.Select(r => r.Kind).ToArray();
        if (kind is not null && !kinds.Contains(kind)) return Problems.BadRequest($"no kind of job '{kind}': the kinds are {string.Join(", ", kinds)}");
        return TypedResults.Ok<IReadOnlyList<JobInfo>>(jobs.ForUser(user.Id(), kind).Select(j => j.ToInfo()).ToArray());
    }

    public static Results<Ok<IReadOnlyList<JobInfo>>, ProblemHttpResult> ListProjectJobs(string id, ClaimsPrincipal user, ProjectStore projects, JobStore jobs) =>
        ProjectsApi.Visible(id, user, projects) is null
            ? ProjectsApi.NotFound(id)
            : TypedResults.Ok<IReadOnlyList<JobInfo>>(jobs.ForProject(id).Select(j => j.ToInfo()).ToArray());

    public static Results<FileStreamHttpResult, ProblemHttpResult> DownloadJob(string id, ClaimsPrincipal user, JobStore jobs,
        IOptions<SandboxOptions> options, IProjectAccess access, DatasetRegistry datasets, HttpContext context)
    {
        if (OpenResult(id, user, jobs, options, access, datasets, context, out var job, out var stream) is { } problem) return problem;
        ResultFile.WriteChecksumHeaders(context.Response.Headers, job.ResultSha256!);
        return TypedResults.File(stream, "application/zip", $"{job.Kind}-{id}.zip", enableRangeProcessing: true);
    }

    public static Results<FileContentHttpResult, ProblemHttpResult> DownloadJobFile(string id, string file, ClaimsPrincipal user, JobStore jobs,
        IOptions<SandboxOptions> options, IProjectAccess access, DatasetRegistry datasets, HttpContext context)
    {
        if (OpenResult(id, user, jobs, options, access, datasets, context, out var job, out var stream) is { } problem) return problem;
        using (stream)
        {
            var files = job.Files ?? [];
            if (files.All(f => f.File != file))
                return Problems.NotFound($"job '{id}' has no file '{file}' (its files: {string.Join(", ", files.Select(f => f.File))})");
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read);
            using var entry = zip.GetEntry(file)!.Open();
            using var bytes = new MemoryStream();
            entry.CopyTo(bytes);
            var type = Path.GetExtension(file) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".json" => "application/json",
                ".csv" => "text/csv; charset=utf-8",
                _ => "application/octet-stream",
            };
            // A report is a page made from a user's spec: shown as a sandboxed origin, it can reach no key or cookie.
            context.Response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'";
            return TypedResults.File(bytes.ToArray(), type, file);
        }
    }

    /// <summary>
    /// The checks every download of a job's result passes, and the result opened and checked against its SHA-256:
    /// a problem, or null with <paramref name="job"/> and <paramref name="stream"/> set.
    /// </summary>
    private static ProblemHttpResult? OpenResult(string id, ClaimsPrincipal user, JobStore jobs, IOptions<SandboxOptions> options, IProjectAccess access,
        DatasetRegistry datasets, HttpContext context, out Job job, out Stream stream)
    {
        (job, stream) = (null!, null!);
        if (Visible(id, user, jobs) is not { } visible) return NotFound(id);
        job = visible;
        var audit = AuditDetails.Of(context);
        audit.ProjectId = job.ProjectId;
        // Restricted rows leave only to a member of a project approved now: a rejection or expiry after the job ran
        // stops its download too, and an admin (no member) sees the job but not its rows.
        if (job.Kind == Extracts.ExtractOrder.Kind && Extracts.ExtractOrder.FromJson(job.Request).Dataset is var dataset
            && datasets.Names.Contains(dataset) && datasets.Access(dataset) == Claims.Engine.Storage.DatasetAccess.Restricted)
            access.Require(user, job.ProjectId, dataset);
        if (job.Status != Job.Succeeded)
            return Problems.Result(StatusCodes.Status409Conflict, $"job '{id}' is {job.Status}{(job.Error is null ? "" : $": {job.Error}")}; only a succeeded job has a result", "Conflict");
        if (job.ResultPath is null) return Expired(job);
        // One open stream is checked and sent: a sweep deleting the file meanwhile cannot swap it or cut it short.
        if (ResultFile.OpenVerified(options.Value.DataPath(job.ResultPath), job.ResultSha256!, out var damage) is not { } opened)
        {
            // The retention may have removed it since the job was read.
            if (jobs.Find(id) is { ResultPath: null } removed) return Expired(removed);
            // Never half a download or a 500: the job is failed for good, and says why, so the caller reruns it.
            var error = $"the result file {damage}; submit the job again";
            jobs.FailResult(id, error);
            return Problems.Result(StatusCodes.Status410Gone, $"job '{id}': {error}", "Gone");
        }
        stream = opened;
        audit.ResultSize = job.ResultBytes;
        return null;
    }

    private static ProblemHttpResult Expired(Job job) => Problems.Result(StatusCodes.Status410Gone,
        $"job '{job.Id}': its result was deleted when its retention ran out ({job.ResultExpires:O}); submit the job again", "Gone");

    private static Job? Visible(string id, ClaimsPrincipal user, JobStore jobs) =>
        jobs.Find(id) is { } job && (job.UserId == user.Id() || user.IsInRole(Roles.Admin)) ? job : null;

    private static ProblemHttpResult NotFound(string id) => Problems.NotFound($"no job '{id}'");
}

public sealed record NewJob(string JobId);
