using System.ComponentModel;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Claims.Engine.Schema;
using Claims.Testing;

namespace Claims.Sandbox.Tests;

/// <summary>
/// The OpenAPI document passes Redocly's linter (its recommended rules) with no error, and says what a client
/// needs: the bearer key, a summary and the 4xx answers of every operation, and the engine's JSON Schemas as the
/// bodies of queries, cohorts, extracts and models, each exactly as data-schemas/ writes it.
/// </summary>
public partial class OpenApiTests(SandboxFactory factory) : IClassFixture<SandboxFactory>
{
    /// <summary>The linter's version, pinned so that a new rule cannot fail the build by itself (docs/service.md names it too).</summary>
    public const string Redocly = "@redocly/cli@2.77.0";

    private static readonly HashSet<string> s_anonymous = ["GET /health", "GET /api/schema", "POST /api/signup"];

    [Fact]
    public async Task The_OpenApi_document_lints_clean()
    {
        using var folder = new TempDirectory("claims-openapi");
        var file = folder.Combine("openapi.json");
        await File.WriteAllTextAsync(file, await factory.CreateClient().GetStringAsync("/openapi/v1.json"));

        var (exit, output, errors) = await Run("npx", "--yes", Redocly, "lint", "--format=json", file);
        var report = JsonNode.Parse(output)!;
        var problems = report["problems"]!.AsArray().Select(p =>
            $"{p!["severity"]} {p["ruleId"]}: {p["message"]} at {p["location"]![0]!["pointer"]}").ToArray();
        var listed = string.Join("\n", problems);
        Assert.True(report["totals"]!["errors"]!.GetValue<int>() == 0, $"the linter found errors:\n{listed}");
        Assert.True(exit == 0, $"the linter exited with {exit}:\n{listed}\n{errors}");
    }

    [Fact]
    public async Task Every_OpenApi_operation_has_a_summary_its_4xx_answers_and_the_key_it_needs()
    {
        var document = await Document();
        var scheme = document["components"]?["securitySchemes"]?["ApiKey"];
        Assert.True(scheme is not null, "the document declares no security scheme ApiKey");
        Assert.Equal("http", scheme["type"]!.GetValue<string>());
        Assert.Equal("bearer", scheme["scheme"]!.GetValue<string>());
        var operations = Operations(document).ToArray();
        Assert.True(operations.Length >= 30, $"only {operations.Length} operations");
        foreach (var (name, operation) in operations)
        {
            Assert.False(string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()), $"{name} has no summary");
            var statuses = operation["responses"]!.AsObject().Select(r => r.Key).ToArray();
            Assert.True(statuses.Any(s => s.StartsWith('4')), $"{name} answers no 4xx: {string.Join(", ", statuses)}");
            Assert.True(operation["security"] is JsonArray, $"{name} does not say which key it needs");
            var security = operation["security"]!.AsArray();
            if (s_anonymous.Contains(name))
                Assert.Empty(security);
            else
            {
                Assert.True(security.Single()!.AsObject().ContainsKey("ApiKey"), $"{name} does not ask for the key");
                Assert.Contains("401", statuses);
            }
        }
        Assert.Contains("403", Operations(document).Single(o => o.Name == "GET /api/audit").Operation["responses"]!.AsObject().Select(r => r.Key));

        // The reference page asks for the key first.
        var page = await factory.CreateClient().GetStringAsync("/scalar/v1");
        Assert.Contains("\"preferredSecurityScheme\":[\"ApiKey\"]", page);
    }

    [Fact]
    public async Task The_OpenApi_bodies_of_queries_cohorts_extracts_and_models_are_the_data_schemas()
    {
        var document = await Document();
        var schemas = document["components"]!["schemas"]!;
        JsonNode Body(string name) =>
            Operations(document).Single(o => o.Name == name).Operation["requestBody"]!["content"]!["application/json"]!["schema"]!;
        var query = schemas[Component(Body("POST /api/datasets/{ds}/query"))]!;
        Assert.Contains("from", query["properties"]!.AsObject().Select(p => p.Key));
        Assert.Contains("select", query["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal("Cohort", Component(Body("POST /api/datasets/{ds}/cohorts/count")));
        Assert.Equal("Cohort", Component(schemas[Component(Body("POST /api/projects/{id}/extracts"))]!["properties"]!["cohort"]!));
        Assert.Equal("Model", Component(schemas[Component(Body("POST /api/projects/{id}/models"))]!["properties"]!["spec"]!));

        // Every keyword of the files arrives: the root and each definition, refs pointed at components, a const that is no string as its enum.
        foreach (var file in new[] { "query", "cohort", "model" })
        {
            var source = JsonNode.Parse(ClaimsSchema.Default.Files.ReadAllBytes($"{file}.schema.json"))!.AsObject();
            var prefix = char.ToUpperInvariant(file[0]) + file[1..];
            var definitions = source["$defs"]?.AsObject().ToDictionary(d => prefix + char.ToUpperInvariant(d.Key[0]) + d.Key[1..], d => d.Value!) ?? [];
            foreach (var key in new[] { "$id", "$schema", "$defs" }) source.Remove(key);
            foreach (var (name, expected) in definitions.Append(new(prefix, source)))
                Assert.True(JsonNode.DeepEquals(Canonical(expected, file), Canonical(schemas[name]!, file)),
                    $"component {name} differs from data-schemas/{file}.schema.json:\n{Canonical(schemas[name]!, file)}\nexpected\n{Canonical(expected, file)}");
        }
    }

    private async Task<JsonNode> Document() => JsonNode.Parse(await factory.CreateClient().GetStringAsync("/openapi/v1.json"))!;

    private static IEnumerable<(string Name, JsonNode Operation)> Operations(JsonNode document) =>
        document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject().Select(op => ($"{op.Key.ToUpperInvariant()} {path.Key}", op.Value!)));

    private static string Component(JsonNode schema)
    {
        Assert.True(schema["$ref"] is not null, $"the schema {schema.ToJsonString()} refers to no component");
        return schema["$ref"]!.GetValue<string>()["#/components/schemas/".Length..];
    }

    /// <summary>
    /// A schema as the document writes it from the file: refs to components (<c>#/$defs/x</c> and
    /// <c>query.schema.json#/$defs/x</c> to QueryX, <c>cohort.schema.json</c> to Cohort), const of a non-string as
    /// its one-value enum, and the order of a type list not counting.
    /// </summary>
    private static JsonNode Canonical(JsonNode node, string file) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => p.Key switch
        {
            "$ref" => KeyValuePair.Create<string, JsonNode?>("$ref", Repointed(p.Value!.GetValue<string>(), file)),
            "const" when p.Value!.GetValueKind() != JsonValueKind.String => KeyValuePair.Create<string, JsonNode?>("enum", new JsonArray(p.Value.DeepClone())),
            "type" when p.Value is JsonArray types => KeyValuePair.Create<string, JsonNode?>("type", new JsonArray([.. types.Select(t => t!.GetValue<string>()).Order().Select(t => JsonValue.Create(t))])),
            _ => KeyValuePair.Create(p.Key, p.Value is null ? null : Canonical(p.Value, file)),
        })),
        JsonArray a => new JsonArray([.. a.Select(i => i is null ? null : Canonical(i, file))]),
        _ => node.DeepClone(),
    };

    private static string Repointed(string reference, string file)
    {
        if (reference.StartsWith("#/components/", StringComparison.Ordinal)) return reference;
        var match = RefPattern().Match(reference);
        Assert.True(match.Success, $"an unexpected $ref '{reference}'");
        static string Pascal(string s) => char.ToUpperInvariant(s[0]) + s[1..];
        return "#/components/schemas/" + Pascal(match.Groups["file"].Success ? match.Groups["file"].Value : file)
            + (match.Groups["def"].Success ? Pascal(match.Groups["def"].Value) : "");
    }

    [GeneratedRegex(@"^(?:(?<file>[a-z]+)\.schema\.json)?(?:#/\$defs/(?<def>\w+))?$")]
    private static partial Regex RefPattern();

    /// <summary>Runs a command with a generous limit (the first npx run downloads the linter), killed past it.</summary>
    private static async Task<(int Exit, string Output, string Errors)> Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            Assert.Fail($"'{command}' could not be started ({e.Message}): this test lints the OpenAPI document with {Redocly} through npx; install Node.js and npm (test.sh does)");
            throw;
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{command} {string.Join(' ', arguments)} ran past 3 minutes: {await errors}");
            }
            return (process.ExitCode, await output, await errors);
        }
    }
}
