using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Claims.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Claims.Sandbox.Tests;

/// <summary>The service started on an empty data folder without an admin key, then again on what it left.</summary>
public class FirstStartTests
{
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
        using (var first = new FreshService(settings))
        {
            first.CreateClient().Dispose();
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
        using (var second = new FreshService(settings))
        {
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
    private sealed class FreshService(Dictionary<string, string> settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            foreach (var (key, value) in settings) builder.UseSetting(key, value);
        }
    }
}
