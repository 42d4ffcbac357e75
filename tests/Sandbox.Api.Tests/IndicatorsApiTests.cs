using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Claims.Engine.Indicators;
using Claims.Engine.Privacy;
using Claims.Engine.Query;
using Claims.Sandbox.Datasets;
using Claims.Sandbox.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Claims.Sandbox.Tests;

/// <summary>
/// The dashboards' indicators through the service: the catalogue, a view as the engine computes it with names in
/// either language, CSV with suppressed figures as x, restricted views for policymakers only, released under
/// their own ledger project and kept, and bad filters answered 400 by name.
/// </summary>
public class IndicatorsApiTests(SandboxFactory factory) : IClassFixture<SandboxFactory>
{
    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task The_catalogue_lists_each_indicator_with_its_source_unit_target_and_filters()
    {
        var list = (await Json(await (await factory.As(Roles.Explorer)).GetAsync("/api/dashboards/indicators"))).EnumerateArray()
            .ToDictionary(i => i.GetProperty("id").GetString()!);
        Assert.Equal(["spending_per_capita", "spending_by_age_sex", "spending_by_claim_kind", "spending_by_icd10_chapter", "spending_monthly", "generic_share", "generic_share_monthly",
            "polypharmacy", "duplicate_prescriptions", "new_dialysis", "checkup_participation", "guidance_levels"], list.Keys);
        Assert.Equal(80, list["generic_share"].GetProperty("target").GetDouble());
        Assert.Equal("1人当たり医療費", list["spending_per_capita"].GetProperty("title").GetString());
        Assert.True(list["spending_per_capita"].GetProperty("standardised").GetBoolean());
        Assert.Equal(70, list["checkup_participation"].GetProperty("target").GetDouble());
        Assert.Equal(["months", "prefecture", "sex", "age_band", "insurer_kind"],
            list["checkup_participation"].GetProperty("filters").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(["guidance_level"], list["guidance_levels"].GetProperty("breakdown").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(["age_band", "sex"], list["spending_by_age_sex"].GetProperty("breakdown").EnumerateArray().Select(k => k.GetString()));
    }

    [Fact]
    public async Task A_synthetic_view_is_the_engine_s_figures_named_in_the_language_asked()
    {
        var explorer = await factory.As(Roles.Explorer);
        var body = await Json(await explorer.GetAsync("/api/dashboards/indicators/spending_per_capita?from=202305&to=202308&sex=2&claimKind=2,4&lang=en"));
        var dataset = factory.Services.GetRequiredService<DatasetRegistry>().Get("synthetic");
        var expected = IndicatorBuilder.Build(dataset, IndicatorCatalog.Of(dataset.Schema)["spending_per_capita"],
            new IndicatorFilter(From: 202305, To: 202308, Sex: 2, ClaimKinds: [2, 4]), text => new DisclosedResult(dataset.Execute(text), [], []));
        var rows = body.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(48, rows.Length);
        Assert.Equal(4, body.GetProperty("months").GetInt32());
        Assert.Empty(body.GetProperty("rules").EnumerateArray());
        foreach (var (row, figure) in rows.Zip(expected.Rows))
        {
            Assert.Equal(figure.Prefecture, row.GetProperty("prefecture").ValueKind == JsonValueKind.Null ? null : row.GetProperty("prefecture").GetInt32());
            Assert.False(row.GetProperty("suppressed").GetBoolean());
            if (figure.Value is { } value) Assert.Equal(Math.Round(value, 2), row.GetProperty("value").GetDouble());
            else Assert.Equal(JsonValueKind.Null, row.GetProperty("value").ValueKind);
        }
        Assert.Equal("Japan", rows[0].GetProperty("prefectureName").GetString());
        Assert.Equal("Tokyo", rows.Single(r => r.GetProperty("prefecture").ValueKind == JsonValueKind.Number && r.GetProperty("prefecture").GetInt32() == 13)
            .GetProperty("prefectureName").GetString());
        Assert.Equal(1, rows[0].GetProperty("index").GetDouble());
        Assert.Equal("yen per person-year", body.GetProperty("indicator").GetProperty("unit").GetString());
    }

    [Fact]
    public async Task A_restricted_view_releases_no_count_under_ten_marks_what_it_hides_and_is_kept_per_policymaker()
    {
        var policymaker = await factory.As(Roles.Policymaker);
        const string path = "/api/dashboards/indicators/guidance_levels?dataset=restricted";
        var first = await policymaker.GetStringAsync(path);
        var body = JsonDocument.Parse(first).RootElement;
        var rows = body.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(4 * 48, rows.Length);
        Assert.Contains(rows, r => r.GetProperty("suppressed").GetBoolean());
        foreach (var row in rows)
        {
            var patients = row.GetProperty("patients");
            if (row.GetProperty("suppressed").GetBoolean())
                Assert.True(patients.ValueKind == JsonValueKind.Null && row.GetProperty("value").ValueKind == JsonValueKind.Null);
            else
                Assert.True(patients.GetInt64() >= 10, $"{patients} patients released");
        }
        Assert.Contains(body.GetProperty("rules").EnumerateArray(), r => r.GetString()!.StartsWith("suppression: cells of fewer than 10", StringComparison.Ordinal));

        // Kept: asked again, the same bytes, and the policymaker's budget is not spent twice.
        var me = await policymaker.GetFromJsonAsync<JsonElement>("/api/me");
        var spentFile = Path.Combine(factory.DataDir, "releases", $"dashboards-{me.GetProperty("userId").GetString()}", "budget.spent");
        var spent = File.ReadAllText(spentFile);
        Assert.Equal(first, await policymaker.GetStringAsync(path));
        Assert.Equal(spent, File.ReadAllText(spentFile));

        var audit = (await factory.Admin().GetFromJsonAsync<JsonElement>("/api/audit?limit=10000")).GetProperty("entries").EnumerateArray()
            .Last(e => e.GetProperty("endpoint").GetString() == "/api/dashboards/indicators/guidance_levels");
        Assert.Equal($"dashboards-{me.GetProperty("userId").GetString()}", audit.GetProperty("projectId").GetString());
        Assert.Equal(rows.Length, audit.GetProperty("resultSize").GetInt64());
    }

    [Fact]
    public async Task Per_person_figures_of_a_generated_restricted_dataset_are_withheld_with_the_reason()
    {
        var policymaker = await factory.As(Roles.Policymaker);
        var body = await Json(await policymaker.GetAsync("/api/dashboards/indicators/spending_per_capita?dataset=restricted"));
        Assert.Contains("population table is its own roster", body.GetProperty("withheld").GetString());
        var rows = body.GetProperty("rows").EnumerateArray().ToArray();
        Assert.All(rows, r => Assert.True(r.GetProperty("value").ValueKind == JsonValueKind.Null && r.GetProperty("denominator").ValueKind == JsonValueKind.Null));
        Assert.Contains(rows, r => r.GetProperty("numerator").ValueKind == JsonValueKind.Number);
        // The synthetic dataset's population is public: divided by there.
        var synthetic = await Json(await policymaker.GetAsync("/api/dashboards/indicators/spending_per_capita"));
        Assert.Equal(JsonValueKind.Null, synthetic.GetProperty("withheld").ValueKind);
    }

    [Fact]
    public async Task Csv_has_a_line_per_figure_and_x_for_each_hidden_one()
    {
        var policymaker = await factory.As(Roles.Policymaker);
        var response = await policymaker.GetAsync("/api/dashboards/indicators/guidance_levels?dataset=restricted&format=csv");
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal("prefecture,prefecture_name,guidance_level,guidance_level_name,value,numerator,denominator,patients,adjusted,index", lines[0]);
        Assert.Equal(1 + 4 * 48, lines.Length);
        var json = await policymaker.GetFromJsonAsync<JsonElement>("/api/dashboards/indicators/guidance_levels?dataset=restricted");
        foreach (var (line, row) in lines.Skip(1).Zip(json.GetProperty("rows").EnumerateArray()))
        {
            var cells = line.Split(',');
            Assert.Equal(row.GetProperty("suppressed").GetBoolean(), cells[4] == "x");
            if (cells[4] == "x") Assert.Equal("x", cells[7]);
        }
    }

    [Theory]
    [InlineData("/api/dashboards/indicators/spending?dataset=synthetic", "spending_per_capita")]
    [InlineData("/api/dashboards/indicators/spending_per_capita?dataset=other", "no dataset 'other'")]
    [InlineData("/api/dashboards/indicators/spending_per_capita?from=2023-05", "from '2023-05' is not a number")]
    [InlineData("/api/dashboards/indicators/spending_per_capita?prefecture=13,,14", "prefecture '13,,14' is not a comma-separated list")]
    [InlineData("/api/dashboards/indicators/spending_per_capita?prefecture=48", "prefecture 48 is not a code")]
    [InlineData("/api/dashboards/indicators/spending_per_capita?from=202306&to=202305", "from is after to")]
    [InlineData("/api/dashboards/indicators/checkup_participation?claimKind=2", "takes no claim_kind filter")]
    [InlineData("/api/dashboards/indicators/spending_per_capita?lang=fr", "lang=ja or lang=en")]
    [InlineData("/api/dashboards/indicators/spending_per_capita?format=xlsx", "format=json, csv, png or svg")]
    public async Task Bad_input_is_a_4xx_problem_naming_what_is_wrong(string path, string named)
    {
        var response = await (await factory.As(Roles.Explorer)).GetAsync(path);
        Assert.True((int)response.StatusCode is 400 or 404, $"{response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains(named, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }
}
