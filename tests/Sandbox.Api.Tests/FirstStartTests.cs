using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Claims.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace Claims.Sandbox.Tests;

/// <summary>The service started on an empty data folder without an admin key, then again on what it left.</summary>
public class FirstStartTests
{
    /// <summary>The first start's steps, each begun and ended (with its time) on the log, in the order they run.</summary>
    private static readonly string[] s_steps =
    [
        .. new[] { "synthetic", "restricted" }.SelectMany(d => new[] { "dataset", "calibrating", "persons", "committing", "linking" }.Select(s => $"{d} {s}")),
        "SQL copy", "SQL export", "SQL load", "SQL lookups", "SQL checkpoint",
    ];

    [Fact]
    public async Task The_first_start_generates_both_datasets_and_an_owner_only_admin_key_and_the_SQL_copy_is_rebuilt_only_for_a_new_dataset()
    {
        using var data = new TempDirectory("claims-first-start");
        var settings = new Dictionary<string, string>
        {
            ["CLAIMS_DATA_DIR"] = data.Path, ["CLAIMS_SYNTHETIC_PERSONS"] = "300", ["CLAIMS_RESTRICTED_PERSONS"] = "200", ["CLAIMS_MONTHS"] = "2",
        };
        var keyFile = data.Combine("admin.key");
        var sqlCopy = data.Combine("duckdb", "synthetic.duckdb");
        string key;
        DateTime built;
        long firstReceipts;
        var firstLog = new StepLog();
        using (var first = new FreshService(settings, firstLog))
        {
            first.CreateClient().Dispose();
            Assert.Equal(s_steps, firstLog.Steps.Select(s => s.Step).Distinct());
            foreach (var step in s_steps)
            {
                var lines = firstLog.Steps.Where(s => s.Step == step).Select(s => s.Line).ToArray();
                Assert.True(lines.Length >= 2, $"{step}: {string.Join(" | ", lines)}");
                Assert.DoesNotContain("done in", lines[0]);
                Assert.Matches(@"^[a-zA-Z ]+: done in \d+\.\d s", lines[^1]);
            }
            // Windows has no such modes; the service's folder permissions are the deployment's there.
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
            key = File.ReadAllText(keyFile).Trim();
            var admin = first.WithKey(key);
            Assert.Equal("admin", (await admin.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("role").GetString());
            var datasets = (await admin.GetFromJsonAsync<JsonElement>("/api/datasets")).EnumerateArray()
                .ToDictionary(d => d.GetProperty("name").GetString()!, d => d);
            Assert.Equal("public", datasets["synthetic"].GetProperty("access").GetString());
            Assert.Equal("restricted", datasets["restricted"].GetProperty("access").GetString());
            foreach (var dataset in datasets.Values)
            {
                Assert.Equal([202204, 202205], dataset.GetProperty("months").EnumerateArray().Select(m => m.GetInt32()));
                Assert.True(dataset.GetProperty("rows").GetInt64() > 0);
            }
            firstReceipts = await SqlAgreesWithTheEngine(admin);
            built = File.GetLastWriteTimeUtc(sqlCopy);
        }
        var restrictedManifest = File.ReadAllText(data.Combine("datasets", "restricted", "manifest.json"));
        var syntheticManifest = File.ReadAllText(data.Combine("datasets", "synthetic", "manifest.json"));

        // Again on the same folder: nothing is generated or built again, the key and its admin stay the only ones.
        var secondLog = new StepLog();
        using (var second = new FreshService(settings, secondLog))
        {
            second.CreateClient().Dispose();
            Assert.Empty(secondLog.Steps);
            var admin = second.WithKey(key);
            Assert.Equal("admin", (await admin.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("role").GetString());
            Assert.Single((await admin.GetFromJsonAsync<JsonElement>("/api/users")).EnumerateArray(), u => u.GetProperty("role").GetString() == "admin");
            Assert.Equal(key, File.ReadAllText(keyFile).Trim());
            Assert.Equal(syntheticManifest, File.ReadAllText(data.Combine("datasets", "synthetic", "manifest.json")));
            Assert.Equal(restrictedManifest, File.ReadAllText(data.Combine("datasets", "restricted", "manifest.json")));
            Assert.Equal(built, File.GetLastWriteTimeUtc(sqlCopy));
            Assert.Equal(firstReceipts, await SqlAgreesWithTheEngine(admin));
        }

        // A new synthetic dataset (here: the other tests' 2,000 persons, put in its place) is what the SQL copy is rebuilt for.
        Directory.Delete(data.Combine("datasets", "synthetic"), recursive: true);
        using (var other = SandboxData.NewDataDir()) Directory.Move(other.Combine("datasets", "synthetic"), data.Combine("datasets", "synthetic"));
        using (var third = new FreshService(settings))
        {
            var admin = third.WithKey(key);
            Assert.NotEqual(firstReceipts, await SqlAgreesWithTheEngine(admin));
            Assert.NotEqual(built, File.GetLastWriteTimeUtc(sqlCopy));
            Assert.Equal(restrictedManifest, File.ReadAllText(data.Combine("datasets", "restricted", "manifest.json")));
        }
    }

    /// <summary>The receipts counted by SQL (the DuckDB copy) and by the engine (the dataset itself) are the same number; returns it.</summary>
    private static async Task<long> SqlAgreesWithTheEngine(HttpClient client)
    {
        var sql = await client.PostAsJsonAsync("/api/datasets/synthetic/sql", new { sql = "SELECT count(*) AS n FROM receipts" });
        var query = await client.PostAsync("/api/datasets/synthetic/query",
            new StringContent("""{"from": "receipts", "select": [{"count": "*", "as": "n"}]}""", new MediaTypeHeaderValue("application/json")));
        var bySql = (await sql.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rows")[0][0].GetInt64();
        var byEngine = (await query.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rows")[0][0].GetInt64();
        Assert.Equal(byEngine, bySql);
        return bySql;
    }

    [Fact]
    public async Task A_restricted_source_of_uke_files_is_imported_on_the_first_start_instead_of_generated()
    {
        using var data = new TempDirectory("claims-uke-start");
        using var custodian = new TempDirectory("claims-uke-files");
        File.Copy(UkeSample.Path, custodian.Combine("SAMPLE.UKE"));
        var settings = new Dictionary<string, string>
        {
            ["CLAIMS_DATA_DIR"] = data.Path, ["CLAIMS_SYNTHETIC_PERSONS"] = "300", ["CLAIMS_MONTHS"] = "2",
            ["CLAIMS_RESTRICTED_SOURCE"] = "uke:" + custodian.Path,
        };
        using var service = new FreshService(settings);
        service.CreateClient().Dispose();
        var admin = service.WithKey(File.ReadAllText(data.Combine("admin.key")).Trim());

        var restricted = (await admin.GetFromJsonAsync<JsonElement>("/api/datasets")).EnumerateArray()
            .Single(d => d.GetProperty("name").GetString() == "restricted");

        Assert.Equal("restricted", restricted.GetProperty("access").GetString());
        Assert.False(restricted.GetProperty("synthetic").GetBoolean());
        Assert.StartsWith("claims import uke", restricted.GetProperty("source").GetString());
        // The sample's service month, and its receipts' patients, linked.
        Assert.Equal([202110], restricted.GetProperty("months").EnumerateArray().Select(m => m.GetInt32()));
        Assert.True(restricted.GetProperty("patients").GetInt64() > 0);
        Assert.True(File.Exists(data.Combine("datasets", "restricted", "import", "report.json")));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(data.Combine("uke-salt.key")));
    }

    /// <summary>The service in memory with only <paramref name="settings"/>: no admin key, whatever the data folder holds.</summary>
    private sealed class FreshService(Dictionary<string, string> settings, StepLog? log = null) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            foreach (var (key, value) in settings) builder.UseSetting(key, value);
            if (log is not null) builder.ConfigureLogging(logging => logging.AddProvider(log));
        }
    }

    /// <summary>The log entries that name a first-start step (their "Step" value), with their text, in order.</summary>
    private sealed class StepLog : ILoggerProvider, ILogger
    {
        private readonly ConcurrentQueue<(string Step, string Line)> _steps = new();

        public IEnumerable<(string Step, string Line)> Steps => _steps;

        public ILogger CreateLogger(string categoryName) => this;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (state is IReadOnlyList<KeyValuePair<string, object?>> values && values.FirstOrDefault(v => v.Key == "Step").Value is string step)
                _steps.Enqueue((step, formatter(state, exception)));
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public void Dispose()
        {
        }
    }
}
