using Claims.Engine.Extracts;
using Claims.Engine.Privacy;
using Claims.Sandbox.Hosting;
using Claims.Sandbox.Jobs;
using Claims.Sandbox.Projects;
using Microsoft.Extensions.Options;

namespace Claims.Sandbox.Extracts;

/// <summary>
/// Runs an extract job: plans it again, records its cohort in the project's ledger (restricted data), writes the
/// tables with the project's pseudonym key into work/staging, then packs them into work/extract.zip.
/// </summary>
public sealed class ExtractJob(ExtractPlanner planner, ProjectStore projects, IReleaseLedger ledger, DisclosurePolicy policy, IOptions<SandboxOptions> options) : IJobRunner
{
    public const string ResultName = "extract.zip";

    public string Kind => ExtractOrder.Kind;

    public JobResult Run(Job job, string workDirectory, CancellationToken cancellation)
    {
        var order = ExtractOrder.FromJson(job.Request);
        var plan = planner.Plan(job.UserId, job.ProjectId!, order, cancellation);
        plan.Approve(new DisclosureRequest(plan.Grant.ProjectId, ledger, order.Cohort, policy));
        var staging = Path.Combine(workDirectory, "staging");
        var manifest = plan.Write(new ExtractRequest
        {
            Project = plan.Grant.ProjectId, Key = projects.PseudonymKey(plan.Grant.ProjectId), Tables = order.Tables, Format = plan.Format,
            OutDirectory = staging, CohortDefinitionJson = order.Cohort,
        }, cancellation);
        var zip = Path.Combine(workDirectory, ResultName);
        ResultZip.Write(staging, manifest.Files.Select(f => f.File).Append("manifest.json"), zip, options.Value.JobThrottleMs, cancellation);
        Directory.Delete(staging, recursive: true);
        return new JobResult(zip, new FileInfo(zip).Length, ResultFile.Sha256(zip), manifest.Files.Select(f => new JobFile(f.Table, f.File, f.Rows)).ToArray());
    }
}
