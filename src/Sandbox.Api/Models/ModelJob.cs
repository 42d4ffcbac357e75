using Claims.Modelling.Training;
using Claims.Sandbox.Hosting;
using Claims.Sandbox.Jobs;
using Microsoft.Extensions.Options;

namespace Claims.Sandbox.Models;

/// <summary>
/// Runs a model job: plans it again, trains it into work/model, then packs report.json, report.html, spec.json,
/// model.zip and model.onnx (these two unless the model was withheld) into work/model-result.zip.
/// </summary>
public sealed class ModelJob(ModelPlanner planner, IOptions<SandboxOptions> options) : IJobRunner
{
    public const string ResultName = "model-result.zip";

    public string Kind => ModelOrder.Kind;

    public JobResult Run(Job job, string workDirectory, CancellationToken cancellation)
    {
        var plan = planner.Plan(job.UserId, job.ProjectId!, ModelOrder.FromJson(job.Request));
        var folder = Path.Combine(workDirectory, "model");
        var report = plan.Train(folder, cancellation);
        // Rows as the report released them: on restricted data the exact numbers stay inside.
        var (members, train) = (report.Population.Members ?? 0, report.Population.Train ?? 0);
        JobFile[] files =
        [
            new("report", ModelRun.ReportFile, members), new("page", ModelRun.PageFile, 0), new("spec", ModelRun.SpecFile, 0),
            .. report.Disclosure.Withheld is null ? new JobFile[] { new("model", ModelRun.ModelFile, train), new("onnx", ModelRun.OnnxFile, train) } : [],
        ];
        var zip = Path.Combine(workDirectory, ResultName);
        ResultZip.Write(folder, files.Select(f => f.File), zip, options.Value.JobThrottleMs, cancellation);
        Directory.Delete(folder, recursive: true);
        return new JobResult(zip, new FileInfo(zip).Length, ResultFile.Sha256(zip), files);
    }
}
