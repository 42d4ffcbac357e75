using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;

namespace Claims.Sandbox.Tests;

/// <summary>
/// Bad input is a 4xx problem document, never a 500: the JSON body of every POST endpoint, each value in it replaced
/// in turn by a null, a wrong type, a huge number, an empty or very long string or deep nesting, and an unknown field
/// added to each object; plus the findings of the attack on the service, each kept found.
/// </summary>
public class ValidationFuzzTests
{
    private static readonly string[] Replacements =
    [
        "null", "\"\"", "0", "-1", "1e400", "123456789012345678901234567890", "-9223372036854775809", "true", "[]", "{}", "[null]", "[\"\"]",
        "\"" + new string('x', 5_000) + "\"", new string('[', 300) + new string(']', 300),
    ];

    private static readonly string[] WholeBodies =
    [
        "", "null", "[]", "\"text\"", "42", "1e400", "{", "{\"a\":}", new string('[', 100_000) + new string(']', 100_000),
        string.Concat(Enumerable.Repeat("{\"a\":", 5_000)) + "1" + new string('}', 5_000),
    ];

    [Fact]
    public async Task No_body_sent_to_any_POST_endpoint_answers_5xx_and_every_refusal_is_a_problem_document()
    {
        using var sandbox = new SandboxFactory();
        using var factory = sandbox.WithWebHostBuilder(b => b.UseSetting("Sandbox:SignupsPerMinute", "1000000"));
        HttpClient Client(string? key)
        {
            var client = factory.CreateClient();
            if (key is not null) client.DefaultRequestHeaders.Authorization = new("Bearer", key);
            return client;
        }
        var admin = Client(SandboxData.AdminKey);
        var (userId, analystKey) = await admin.NewUser("analyst");
        var analyst = Client(analystKey);
        var explorer = Client((await admin.NewUser("explorer")).Key);
        var project = await analyst.NewProject(["synthetic", "restricted"]);
        var restricted = await analyst.NewApprovedProject(admin);
        var inRestricted = Client(analystKey);
        inRestricted.DefaultRequestHeaders.Add("X-Claims-Project", restricted);

        (HttpClient Client, string Path, string Body)[] endpoints =
        [
            (Client(null), "/api/signup", """{"name": "Fuzz", "email": "fuzz@example.jp"}"""),
            (admin, "/api/users", """{"name": "Fuzz", "role": "explorer", "email": "fuzz@example.jp"}"""),
            (admin, $"/api/users/{userId}/keys", "{}"),
            (analyst, "/api/projects", """{"title": "t", "purpose": "p", "datasets": ["synthetic"], "tables": ["receipts"], "period": {"from": 202304, "to": 202309}}"""),
            (admin, $"/api/projects/{project}/approve", """{"expiresAt": "2099-01-01T00:00:00Z"}"""),
            (admin, $"/api/projects/{project}/reject", "{}"),
            (analyst, $"/api/projects/{project}/extracts", $$"""{"dataset": "synthetic", "cohort": {{SandboxApi.Diabetes}}, "tables": ["receipts"], "format": "csv"}"""),
            (explorer, "/api/datasets/synthetic/query", """
                {"from": "receipts", "where": {"and": [{"col": "sex", "eq": 1}, {"col": "total_points", "between": [100, 5000]}]},
                 "groupBy": ["prefecture"], "select": [{"count": "*", "as": "n"}, {"sum": "total_points", "as": "points"}],
                 "orderBy": [{"col": "points", "desc": true}], "limit": 5}
                """),
            (inRestricted, "/api/datasets/restricted/query", """{"from": "receipts", "groupBy": ["sex"], "select": [{"countDistinct": "patient_id", "as": "patients"}]}"""),
            (explorer, "/api/datasets/synthetic/cohorts/count", """
                {"name": "c", "entry": {"table": "diagnoses", "where": {"col": "icd10", "prefix": "E11"}},
                 "inclusion": [{"event": {"table": "drugs", "where": {"col": "yj_code", "prefix": "3969"}}, "window": {"from": -180, "to": 0}, "atLeast": 1}]}
                """),
            (explorer, "/api/datasets/synthetic/sql", """{"sql": "SELECT 1 AS one"}"""),
        ];

        var failures = new List<string>();
        var sent = 0;
        foreach (var (client, path, body) in endpoints)
        {
            foreach (var (where, mutated) in Mutations(body))
            {
                sent++;
                var response = await client.PostAsync(path, new StringContent(mutated, Encoding.UTF8, "application/json"));
                if (await Fault(response) is { } fault) failures.Add($"POST {path} with {where}: {fault}");
            }
        }
        Assert.True(sent > 500, $"only {sent} requests");
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} requests:\n" + string.Join("\n", failures.Take(40)));
    }

    [Theory]
    [InlineData("""{"title": "t", "purpose": "p", "datasets": [null]}""", "datasets[0] is null")]
    [InlineData("""{"title": "t", "purpose": "p", "datasets": ["synthetic", ""]}""", "datasets[1] is empty")]
    [InlineData("""{"title": "t", "purpose": "p", "datasets": ["synthetic"], "tables": [null]}""", "tables[0] is null")]
    [InlineData("""{"title": "t", "purpose": "p", "datasets": ["synthetic"], "tables": ["receipts", " "]}""", "tables[1] is empty")]
    public async Task A_project_application_with_a_null_or_empty_name_is_refused_naming_the_field(string body, string problem)
    {
        using var factory = new SandboxFactory();
        var analyst = factory.Client((await factory.Admin().NewUser("analyst")).Key);
        await (await analyst.PostAsync("/api/projects", new StringContent(body, Encoding.UTF8, "application/json"))).AssertProblem(HttpStatusCode.BadRequest, problem);
        Assert.Empty(await analyst.GetFromJsonAsync<JsonElement[]>("/api/projects") ?? []);
    }

    [Fact]
    public async Task The_public_schema_answers_without_a_key_and_nothing_else_under_api_does()
    {
        using var factory = new SandboxFactory();
        var anonymous = factory.Client(null);
        var schema = await anonymous.GetAsync("/api/schema");
        Assert.Equal(HttpStatusCode.OK, schema.StatusCode);
        Assert.Contains((await schema.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("tables").EnumerateArray(),
            t => t.GetProperty("name").GetString() == "receipts");
        await (await anonymous.GetAsync("/api/datasets/synthetic/schema")).AssertProblem(HttpStatusCode.Unauthorized);
        await (await anonymous.GetAsync("/api/datasets")).AssertProblem(HttpStatusCode.Unauthorized);
    }

    /// <summary>The bodies to send: the whole body replaced, each value replaced, and an unknown field in each object.</summary>
    private static IEnumerable<(string Where, string Body)> Mutations(string json)
    {
        foreach (var whole in WholeBodies) yield return ($"the body {Show(whole)}", whole);
        var root = JsonNode.Parse(json)!;
        foreach (var (path, node) in Nodes(root, "$"))
        {
            foreach (var replacement in Replacements)
            {
                var copy = root.DeepClone();
                if (Replace(copy, path, JsonNode.Parse(replacement, documentOptions: new JsonDocumentOptions { MaxDepth = 1_000 })))
                    yield return ($"{path} = {Show(replacement)}", copy.ToJsonString());
            }
            if (node is JsonObject)
            {
                var copy = root.DeepClone();
                Navigate(copy, path)!.AsObject()["unknownField"] = 1;
                yield return ($"{path}.unknownField", copy.ToJsonString());
            }
        }
    }

    /// <summary>Every node with its JSONPath-like address, the root first.</summary>
    private static IEnumerable<(string Path, JsonNode Node)> Nodes(JsonNode node, string path)
    {
        yield return (path, node);
        var children = node switch
        {
            JsonObject o => o.Select(p => (Path: $"{path}.{p.Key}", Node: p.Value)),
            JsonArray a => a.Select((n, i) => (Path: $"{path}[{i}]", Node: n)),
            _ => [],
        };
        foreach (var (childPath, child) in children)
            if (child is not null)
                foreach (var found in Nodes(child, childPath)) yield return found;
    }

    private static JsonNode? Navigate(JsonNode root, string path)
    {
        JsonNode? node = root;
        foreach (var (key, index) in Segments(path)) node = key is not null ? node![key] : node![index];
        return node;
    }

    private static bool Replace(JsonNode root, string path, JsonNode? value)
    {
        var segments = Segments(path).ToArray();
        if (segments.Length == 0) return false;
        var parent = root;
        foreach (var (key, index) in segments[..^1]) parent = key is not null ? parent[key]! : parent[index]!;
        var (last, at) = segments[^1];
        if (last is not null) parent.AsObject()[last] = value;
        else parent.AsArray()[at] = value;
        return true;
    }

    private static IEnumerable<(string? Key, int Index)> Segments(string path)
    {
        var rest = path[1..];
        while (rest.Length > 0)
        {
            if (rest[0] == '.')
            {
                var end = rest.IndexOfAny(['.', '['], 1);
                var key = end < 0 ? rest[1..] : rest[1..end];
                rest = end < 0 ? "" : rest[end..];
                yield return (key, -1);
            }
            else
            {
                var end = rest.IndexOf(']');
                yield return (null, int.Parse(rest[1..end]));
                rest = rest[(end + 1)..];
            }
        }
    }

    /// <summary>What is wrong with the answer: a 5xx, or a refusal that is not a problem document naming something.</summary>
    private static async Task<string?> Fault(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync();
        if (status >= 500) return $"{status} {Show(body)}";
        if (status < 400) return null;
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json") return $"{status} as {response.Content.Headers.ContentType} {Show(body)}";
        try
        {
            var problem = JsonDocument.Parse(body).RootElement;
            return problem.GetProperty("status").GetInt32() == status && problem.GetProperty("detail").GetString() is { Length: > 0 }
                ? null : $"{status}: a problem without its status or detail {Show(body)}";
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return $"{status}: not a problem document {Show(body)}";
        }
    }

    private static string Show(string text) => text.Length <= 60 ? text : text[..60] + $"… ({text.Length} characters)";
}
