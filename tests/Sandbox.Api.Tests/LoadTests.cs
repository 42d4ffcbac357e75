using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace Claims.Sandbox.Tests;

/// <summary>
/// A bounded load test on a real Kestrel over loopback: 50 clients, each with its own key, for 30 seconds, mixing
/// the explorer's calls (dataset list, engine query, cohort count, SQL). Every answer must be a success and a
/// well-formed JSON document (a problem document, were it an error), and the audit chain must verify over every
/// request afterwards; the latencies are written to the test log and to TestResults/load.txt for docs/service.md.
/// </summary>
public class LoadTests(ITestOutputHelper output)
{
    private const int Clients = 50;
    private static readonly TimeSpan s_duration = TimeSpan.FromSeconds(30);

    private static readonly (string Method, string Path, string? Body)[] s_mix =
    [
        ("GET", "/api/datasets", null),
        ("POST", "/api/datasets/synthetic/query", """{"from": "receipts", "where": {"col": "claim_kind", "eq": 2}, "groupBy": ["prefecture"], "select": [{"count": "*", "as": "claims"}, {"sum": "total_points", "as": "points"}]}"""),
        ("POST", "/api/datasets/synthetic/cohorts/count", """{"name": "diabetes", "entry": {"table": "diagnoses", "where": {"col": "icd10", "prefix": "E11"}}, "inclusion": [{"name": "aged 40-74", "age": [40, 74]}]}"""),
        ("POST", "/api/datasets/synthetic/sql", """{"sql": "SELECT sex, count(*) AS claims FROM receipts GROUP BY sex"}"""),
    ];

    [Fact]
    public async Task Fifty_clients_for_thirty_seconds_get_no_errors()
    {
        using var data = SandboxData.NewDataDir();
        var port = ServiceProcess.FreePort();
        using var service = ServiceProcess.Start(new Dictionary<string, string>(SandboxData.Environment(data.Path)) { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" });
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await ServiceProcess.WaitForHealth(http);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SandboxData.AdminKey);
            var keys = new List<string>();
            for (var i = 0; i < Clients; i++) keys.Add((await http.NewUser("explorer")).Key);

            var stopwatch = Stopwatch.StartNew();
            var results = await Task.WhenAll(keys.Select((key, i) => Run(port, key, i, stopwatch)));
            var latencies = results.SelectMany(r => r.Latencies).Order().ToArray();
            var errors = results.SelectMany(r => r.Errors).ToArray();
            var summary = $"{latencies.Length:N0} requests from {Clients} clients in {stopwatch.Elapsed.TotalSeconds:F0} s ({latencies.Length / stopwatch.Elapsed.TotalSeconds:N0}/s): " +
                $"p50 {Percentile(latencies, 0.50):F1} ms, p99 {Percentile(latencies, 0.99):F1} ms, max {latencies[^1]:F1} ms; {errors.Length} errors";
            summary += string.Concat(results.SelectMany(r => r.ByPath).GroupBy(p => p.Path).Select(g =>
            {
                var sorted = g.Select(p => p.Ms).Order().ToArray();
                return $"{Environment.NewLine}  {g.Key}: {sorted.Length:N0} requests, p50 {Percentile(sorted, 0.50):F1} ms, p99 {Percentile(sorted, 0.99):F1} ms";
            }));
            output.WriteLine(summary);
            Directory.CreateDirectory(Path.Combine(RepoRoot(), "TestResults"));
            File.WriteAllText(Path.Combine(RepoRoot(), "TestResults", "load.txt"), summary + Environment.NewLine);
            Assert.True(errors.Length == 0, string.Join("\n", errors.Take(10)));
            Assert.True(latencies.Length > Clients * 10, summary);

            // Every request was audited (the users made above too) and the chain over them is intact.
            var audit = await http.GetFromJsonAsync<JsonElement>("/api/audit/verify");
            Assert.True(audit.GetProperty("ok").GetBoolean(), audit.GetRawText());
            Assert.Equal(JsonValueKind.Null, audit.GetProperty("firstBadSeq").ValueKind);
            Assert.True(audit.GetProperty("entries").GetInt64() >= latencies.Length + Clients, audit.GetRawText());
        }
        finally
        {
            service.Kill(entireProcessTree: true);
        }
    }

    private static async Task<(List<double> Latencies, List<(string Path, double Ms)> ByPath, List<string> Errors)> Run(int port, string key, int seed, Stopwatch clock)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var latencies = new List<double>();
        var byPath = new List<(string Path, double Ms)>();
        var errors = new List<string>();
        var random = new Random(seed);
        while (clock.Elapsed < s_duration)
        {
            var (method, path, body) = s_mix[random.Next(s_mix.Length)];
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var response = await client.SendAsync(request);
                var content = await response.Content.ReadAsStringAsync();
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                latencies.Add(elapsed);
                byPath.Add(($"{method} {path}", elapsed));
                if (!response.IsSuccessStatusCode) errors.Add($"{method} {path}: {(int)response.StatusCode} {content}");
                if (Malformed(response, content) is { } malformed) errors.Add($"{method} {path}: {malformed}");
            }
            catch (HttpRequestException e)
            {
                errors.Add($"{method} {path}: {e.Message}");
            }
        }
        return (latencies, byPath, errors);
    }

    /// <summary>Why a body is not what its status promises (JSON; a problem document for an error), or null.</summary>
    private static string? Malformed(HttpResponseMessage response, string content)
    {
        var expected = response.IsSuccessStatusCode ? "application/json" : "application/problem+json";
        if (response.Content.Headers.ContentType?.MediaType != expected) return $"{response.Content.Headers.ContentType} where {expected} was due";
        try
        {
            using var document = JsonDocument.Parse(content);
            return document.RootElement.ValueKind is JsonValueKind.Object or JsonValueKind.Array ? null : $"a JSON {document.RootElement.ValueKind}";
        }
        catch (JsonException e)
        {
            return $"not JSON ({e.Message}): {content[..Math.Min(200, content.Length)]}";
        }
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static string RepoRoot() => Claims.Testing.RepoPaths.Root;
}
