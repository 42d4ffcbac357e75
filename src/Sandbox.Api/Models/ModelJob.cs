using Claims.Modelling.Training;
using Claims.Sandbox.Hosting;
using Claims.Sandbox.Jobs;
using Microsoft.Extensions.Options;

namespace Claims.Sandbox.Models;

/// <summary>Runs a model job: plans it again, trains it into work/model, then packs report.json, report.html, spec.json, model.zip and model.onnx into work/model-result.zip.</summary>
public sealed class ModelJob(ModelPlanner planner, IOptions<SandboxOptions> options) : IJobRunner
{
    public const string ResultName = "model-result.zip";

    private static readonly string[] s_files = [ModelRun.ReportFile, ModelRun.PageFile, ModelRun.SpecFile, ModelRun.ModelFile, ModelRun.OnnxFile];

    public string Kind => ModelOrder.Kind;

    public JobResult Run(Job job, string workDirectory, CancellationToken cancellation)
    {
        var plan = planner.Plan(job.UserId, job.ProjectId!, ModelOrder.FromJson(job.Request));
        var folder = Path.Combine(workDirectory, "model");
        var report = ModelRun.Train(plan.Dataset, plan.Spec, folder, cancellation);
        var zip = Path.Combine(workDirectory, ResultName);
        ResultZip.Write(folder, s_files, zip, options.Value.JobThrottleMs, cancellation);
        Directory.Delete(folder, recursive: true);
        return new JobResult(zip, new FileInfo(zip).Length, ResultFile.Sha256(zip),
            [new JobFile("report", ModelRun.ReportFile, report.Population.Members), new JobFile("page", ModelRun.PageFile, 0), new JobFile("spec", ModelRun.SpecFile, 0), new JobFile("model", ModelRun.ModelFile, report.Population.Train),
             new JobFile("onnx", ModelRun.OnnxFile, report.Population.Train)]);
    }
}
