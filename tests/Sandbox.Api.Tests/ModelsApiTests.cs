using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Claims.Sandbox.Tests;

/// <summary>Model jobs: a spec trained on the synthetic data in one's own project, its errors named before anything is queued.</summary>
public class ModelsApiTests(ControlledSandbox factory) : IClassFixture<ControlledSandbox>
{
    [Fact]
    public async Task A_spec_trains_on_the_synthetic_data_and_downloads_as_report_spec_and_model()
    {
        var analyst = factory.Client((await factory.Admin().NewUser("analyst")).Key);
        var id = await analyst.NewProject(["restricted"]);
        var response = await analyst.TrainModel(id, "synthetic", SandboxApi.ModelSpec);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var jobId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetString()!;
        var job = await analyst.WaitForJob(jobId);
        Assert.True(job.GetProperty("status").GetString() == "succeeded", job.GetRawText());
        Assert.Equal("model", job.GetProperty("kind").GetString());
        var (files, result) = await analyst.Download(jobId);
        Assert.Equal(["report.json", "report.html", "spec.json", "model.zip", "model.onnx"], files.Keys);
        Assert.Equal(["report.json", "report.html", "spec.json", "model.zip", "model.onnx"], result.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("file").GetString()));
        using var report = JsonDocument.Parse(files["report.json"]);
        var population = report.RootElement.GetProperty("population");
        Assert.True(population.GetProperty("members").GetInt64() > 100, population.GetRawText());
        Assert.Equal(population.GetProperty("test").GetInt64(), report.RootElement.GetProperty("metrics").GetProperty("count").GetInt64());
        Assert.InRange(report.RootElement.GetProperty("metrics").GetProperty("aucRoc").GetDouble(), 0, 1);
        using var spec = JsonDocument.Parse(files["spec.json"]);
        Assert.Equal("a costly claim within two months", spec.RootElement.GetProperty("name").GetString());
        using var model = new ZipArchive(new MemoryStream(files["model.zip"]));
        Assert.NotEmpty(model.Entries);
        Assert.Contains(model.Entries, e => e.FullName == "claims/features.json");
        Assert.True(files["model.onnx"].Length > 100);

        // One file of the result by its name: the report page to read in the browser, as a sandboxed origin.
        var page = await analyst.GetAsync($"/api/jobs/{jobId}/files/report.html");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("sandbox;", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal(files["report.html"], await page.Content.ReadAsByteArrayAsync());
        Assert.Equal(files["model.onnx"], await analyst.GetByteArrayAsync($"/api/jobs/{jobId}/files/model.onnx"));
        await (await analyst.GetAsync($"/api/jobs/{jobId}/files/secrets.txt")).AssertProblem(HttpStatusCode.NotFound, "has no file 'secrets.txt' (its files: report.json, report.html, spec.json, model.zip, model.onnx)");
        // Another user's job does not exist for them.
        var other = factory.Client((await factory.Admin().NewUser("analyst")).Key);
        await (await other.GetAsync($"/api/jobs/{jobId}/files/report.html")).AssertProblem(HttpStatusCode.NotFound, $"no job '{jobId}'");

        // The caller's own jobs, of one kind when asked: the page lists model reports from here.
        var mine = await analyst.GetFromJsonAsync<JsonElement>("/api/jobs?kind=model");
        Assert.Equal([jobId], mine.EnumerateArray().Select(j => j.GetProperty("id").GetString()));
        Assert.Equal(id, mine[0].GetProperty("projectId").GetString());
        Assert.Equal(0, (await analyst.GetFromJsonAsync<JsonElement>("/api/jobs?kind=extract")).GetArrayLength());
        Assert.Equal(0, (await other.GetFromJsonAsync<JsonElement>("/api/jobs")).GetArrayLength());
        await (await analyst.GetAsync("/api/jobs?kind=models")).AssertProblem(HttpStatusCode.BadRequest, "no kind of job 'models': the kinds are");
    }

    [Fact]
    public async Task Bad_requests_are_named_before_anything_is_queued_and_restricted_data_goes_through_model_disclosure_control()
    {
        var analyst = factory.Client((await factory.Admin().NewUser("analyst")).Key);
        var id = await analyst.NewProject(["restricted"]);
        await (await analyst.TrainModel(id, "synthetic", SandboxApi.ModelSpec.Replace("\"iterations\": 20", "\"iterations\": 0"))).AssertProblem(HttpStatusCode.BadRequest, "model.iterations: must be a whole number from 1 to 2000");
        await (await analyst.TrainModel(id, "synthetic", SandboxApi.ModelSpec.Replace("\"table\": \"receipts\", \"where\"", "\"table\": \"nowhere\", \"where\""))).AssertProblem(HttpStatusCode.BadRequest, "outcome.table");
        await (await analyst.TrainModel(id, "synthetic", "\"a spec\"")).AssertProblem(HttpStatusCode.BadRequest, "spec is required");
        await (await analyst.TrainModel(id, "nowhere", SandboxApi.ModelSpec)).AssertProblem(HttpStatusCode.NotFound, "no dataset");
        await (await analyst.TrainModel("p_nosuchproject00", "synthetic", SandboxApi.ModelSpec)).AssertProblem(HttpStatusCode.NotFound, "no project");
        // Restricted data: only inside an approved project, and only with leaves of at least the threshold.
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.TrainModel(id, "restricted", SandboxApi.ModelSpec)).StatusCode);
        await factory.Admin().Approve(id, factory.Clock.GetUtcNow().AddDays(30));
        await (await analyst.TrainModel(id, "restricted", SandboxApi.ModelSpec.Replace("\"minMembersPerLeaf\": 10", "\"minMembersPerLeaf\": 9")))
            .AssertProblem(HttpStatusCode.BadRequest, "model.minMembersPerLeaf: 9 is below the disclosure threshold of 10");
        Assert.Empty((await analyst.GetFromJsonAsync<JsonElement>($"/api/projects/{id}/jobs")).EnumerateArray());
        // The sandbox's small restricted dataset holds a few hundred test members: the job runs and is refused on
        // the test set's released count, which the error does not give.
        var response = await analyst.TrainModel(id, "restricted", SandboxApi.ModelSpec);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var job = await analyst.WaitForJob((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetString()!);
        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.Contains("split: on restricted data the test set must hold at least 1,000 members as released", job.GetProperty("error").GetString());
    }

    [Fact]
    public async Task An_explorer_trains_on_the_synthetic_data_in_a_project_of_their_own_which_holds_no_restricted_data()
    {
        var explorer = factory.Client((await factory.Admin().NewUser("explorer")).Key);
        var refused = await explorer.PostAsJsonAsync("/api/projects", new { title = "t", purpose = "p", datasets = new[] { "synthetic", "restricted" } });
        await refused.AssertProblem(HttpStatusCode.Forbidden, "an explorer's project holds the synthetic datasets only, not 'restricted'");
        var id = await explorer.NewProject(["synthetic"]);
        await (await explorer.TrainModel(id, "restricted", SandboxApi.ModelSpec)).AssertProblem(HttpStatusCode.Forbidden, "is pending");
        var response = await explorer.TrainModel(id, "synthetic", SandboxApi.ModelSpec);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var job = await explorer.WaitForJob((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetString()!);
        Assert.True(job.GetProperty("status").GetString() == "succeeded", job.GetRawText());
        var (files, _) = await explorer.Download(job.GetProperty("id").GetString()!);
        Assert.Contains("model.zip", files.Keys);
        // Extracts stay with analysts.
        Assert.Equal(HttpStatusCode.Forbidden, (await explorer.Extract(id, "synthetic", SandboxApi.Diabetes, ["receipts"])).StatusCode);
    }

    [Fact]
    public async Task A_project_approved_for_some_tables_trains_only_on_specs_that_read_those()
    {
        var admin = factory.Admin();
        var analyst = factory.Client((await admin.NewUser("analyst")).Key);
        var id = await analyst.NewProject(["restricted"], tables: ["receipts"]);
        await admin.Approve(id, factory.Clock.GetUtcNow().AddDays(30));
        // The spec's features read diagnoses and drugs, which the project was not approved for (review 28).
        await (await analyst.TrainModel(id, "restricted", SandboxApi.ModelSpec))
            .AssertProblem(HttpStatusCode.Forbidden, "is approved for the tables receipts, not diagnoses, drugs");
        Assert.Empty((await analyst.GetFromJsonAsync<JsonElement>($"/api/projects/{id}/jobs")).EnumerateArray());
    }
}
