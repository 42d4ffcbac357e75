using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Claims.Engine.Privacy;
using Microsoft.Extensions.DependencyInjection;

namespace Claims.Sandbox.Tests;

/// <summary>
/// A job checks its project and the project's releases again when it runs, not only when it was submitted: what
/// changed while it waited (held at the <see cref="JobGate"/>) decides.
/// </summary>
public class QueuedJobTests(ControlledSandbox sandbox) : IClassFixture<ControlledSandbox>
{
    [Fact]
    public async Task A_job_whose_project_was_rejected_while_it_waited_fails_saying_so_and_releases_nothing()
    {
        var (admin, analyst) = await Users();
        var project = await analyst.NewApprovedProject(admin);
        var job = await Held(analyst, project, SandboxApi.Diabetes, () => admin.PostAsync($"/api/projects/{project}/reject", null));

        Assert.Contains($"project '{project}' was rejected", job.GetProperty("error").GetString());
        Assert.Empty(Ledger.Releases(project));
        Assert.False(Directory.Exists(Path.Combine(sandbox.DataDir, "jobs", job.GetProperty("id").GetString()!)));
    }

    [Fact]
    public async Task A_job_whose_project_expired_while_it_waited_fails_saying_so_and_releases_nothing()
    {
        var (admin, analyst) = await Users();
        var project = await analyst.NewProject(["restricted"]);
        Assert.Equal(HttpStatusCode.OK, (await admin.Approve(project, sandbox.Clock.GetUtcNow().AddHours(1))).StatusCode);
        var job = await Held(analyst, project, SandboxApi.Diabetes, () =>
        {
            sandbox.Clock.Advance(TimeSpan.FromHours(1));
            return Task.CompletedTask;
        });

        Assert.Contains($"project '{project}' expired", job.GetProperty("error").GetString());
        Assert.Empty(Ledger.Releases(project));
    }

    [Fact]
    public async Task An_extract_a_few_patients_from_an_earlier_release_is_refused_when_submitted_and_when_the_release_came_while_it_waited()
    {
        var (admin, analyst) = await Users();
        var project = await analyst.NewApprovedProject(admin);
        // Two cohorts 1 to 9 patients apart (found on the data, without filtering by an identifying column).
        var (first, wider, _) = Claims.Testing.CloseCohorts.Find(sandbox.Services.GetRequiredService<Datasets.DatasetRegistry>().Get(Datasets.DatasetRegistry.Restricted));

        // Both pass the check at submission, when nothing is released yet; the second finds the first's release when it runs.
        sandbox.Gate.Close();
        string accepted, late;
        try
        {
            accepted = await analyst.Submit(project, "restricted", first, ["receipts"]);
            await sandbox.Gate.Arrived(accepted);
            late = await analyst.Submit(project, "restricted", wider, ["receipts"]);
        }
        finally
        {
            sandbox.Gate.Open();
        }
        Assert.Equal("succeeded", (await analyst.WaitForJob(accepted)).GetProperty("status").GetString());
        var refused = await analyst.WaitForJob(late);
        Assert.Equal("failed", refused.GetProperty("status").GetString());
        Assert.Contains("release 1", refused.GetProperty("error").GetString());
        var release = Assert.Single(Ledger.Releases(project));
        Assert.Equal("extract", release.Kind);

        // Now the release is there at submission: refused at once, as a problem, and nothing queued.
        await (await analyst.Extract(project, "restricted", wider, ["receipts"])).AssertProblem(HttpStatusCode.Forbidden);
        Assert.Equal(2, (await analyst.GetFromJsonAsync<JsonElement>($"/api/projects/{project}/jobs")).GetArrayLength());
        Assert.Single(Ledger.Releases(project));
    }

    private IReleaseLedger Ledger => sandbox.Services.GetRequiredService<IReleaseLedger>();

    private async Task<(HttpClient Admin, HttpClient Analyst)> Users()
    {
        var admin = sandbox.Admin();
        return (admin, sandbox.Client((await admin.NewUser("analyst")).Key));
    }

    /// <summary>Submits a restricted extract, holds it once the worker has claimed it, does <paramref name="meanwhile"/>, lets it run: the failed job.</summary>
    private async Task<JsonElement> Held(HttpClient analyst, string project, string cohort, Func<Task> meanwhile)
    {
        sandbox.Gate.Close();
        string id;
        try
        {
            id = await analyst.Submit(project, "restricted", cohort, ["receipts"]);
            await sandbox.Gate.Arrived(id);
            Assert.Equal("running", (await analyst.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}")).GetProperty("status").GetString());
            await meanwhile();
        }
        finally
        {
            sandbox.Gate.Open();
        }
        var job = await analyst.WaitForJob(id);
        Assert.Equal("failed", job.GetProperty("status").GetString());
        return job;
    }
}
