using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Claims.Sandbox.Tests;

public class CatalogApiTests(SandboxFactory factory) : IClassFixture<SandboxFactory>
{
    [Fact]
    public async Task Health_answers_ok()
    {
        var response = await factory.CreateClient().GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_front_page_and_its_script_are_served_without_a_key()
    {
        var client = factory.CreateClient();
        var page = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"ja\">", html);
        Assert.Contains("Claims サンドボックス", html);
        Assert.Contains("/api/signup", await client.GetStringAsync("/app.js"));
    }

    [Fact]
    public async Task The_schema_catalogue_comes_from_data_schemas()
    {
        var schema = await factory.CreateClient().GetFromJsonAsync<JsonElement>("/api/schema");
        var tables = schema.GetProperty("tables").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        Assert.Equal(["receipts", "diagnoses", "procedures", "drugs", "devices", "dpc", "checkups", "population"], tables.Keys);
        var id5 = tables["receipts"].GetProperty("columns").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "id5");
        Assert.Equal("hash", id5.GetProperty("type").GetString());
        Assert.True(id5.GetProperty("nullable").GetBoolean());
        Assert.Equal("ID5", id5.GetProperty("source").GetProperty("field").GetString());
        Assert.False(string.IsNullOrEmpty(id5.GetProperty("description").GetProperty("ja").GetString()));
        var masters = schema.GetProperty("masters").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!);
        Assert.Equal(27_437, masters["diseases"].GetProperty("rows").GetInt32());
        var prefectures = schema.GetProperty("enums").EnumerateArray().Single(e => e.GetProperty("name").GetString() == "prefecture");
        Assert.Equal(47, prefectures.GetProperty("values").GetArrayLength());
        Assert.Equal(64, schema.GetProperty("hash").GetString()!.Length);
        var hba1c = schema.GetProperty("checkupItems").EnumerateArray().Single(i => i.GetProperty("column").GetString() == "hba1c");
        Assert.Equal("%", hba1c.GetProperty("unit").GetString());
        Assert.Contains(schema.GetProperty("checkupItems").EnumerateArray(), i => i.GetProperty("isQuestion").GetBoolean());
    }

    [Fact]
    public async Task The_OpenAPI_document_and_its_reference_page_are_served()
    {
        var client = factory.CreateClient();
        var openApi = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/api/schema", out _));
        var page = await client.GetAsync("/scalar/v1");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("text/html", page.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task An_unknown_path_is_a_problem_document()
    {
        var response = await factory.CreateClient().GetAsync("/api/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }
}
