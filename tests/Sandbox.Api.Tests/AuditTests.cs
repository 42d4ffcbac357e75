using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Claims.Sandbox.Audit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Claims.Sandbox.Tests;

public class AuditTests
{
    [Fact]
    public async Task Every_api_request_is_audited_with_who_what_and_the_outcome()
    {
        using var factory = new SandboxFactory();
        var admin = factory.Admin();
        await factory.Client(null).GetAsync("/api/me");
        await admin.GetAsync("/api/me");
        var page = await admin.GetFromJsonAsync<JsonElement>("/api/audit");
        var entries = page.GetProperty("entries").EnumerateArray().ToArray();
        Assert.Contains(entries, e => e.GetProperty("status").GetInt32() == 401 && e.GetProperty("userId").ValueKind == JsonValueKind.Null);
        var mine = entries.Last(e => e.GetProperty("endpoint").GetString() == "/api/me" && e.GetProperty("status").GetInt32() == 200);
        Assert.Equal("admin", mine.GetProperty("role").GetString());
        Assert.Equal("GET", mine.GetProperty("method").GetString());
        Assert.True(mine.GetProperty("resultSize").GetInt64() > 0);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Client((await SignUp(factory)).Key).GetAsync("/api/audit")).StatusCode);
    }

    [Fact]
    public async Task The_log_pages_after_a_sequence_number()
    {
        using var factory = new SandboxFactory();
        var admin = factory.Admin();
        for (var i = 0; i < 7; i++) await factory.Client(null).GetAsync("/api/me");
        var all = (await admin.GetFromJsonAsync<JsonElement>("/api/audit?limit=10000")).GetProperty("entries").EnumerateArray()
            .Select(e => e.GetProperty("seq").GetInt64()).ToArray();
        Assert.Equal(Enumerable.Range(1, all.Length).Select(i => (long)i), all);

        var seen = new List<long>();
        long after = 0;
        while (true)
        {
            var page = await admin.GetFromJsonAsync<JsonElement>($"/api/audit?after={after}&limit=3");
            var seqs = page.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()).ToArray();
            // The page requests themselves are appended as we go: stop once the entries listed above are all seen.
            Assert.InRange(seqs.Length, 1, 3);
            Assert.Equal(seqs[^1], page.GetProperty("last").GetInt64());
            Assert.All(seqs, s => Assert.True(s > after));
            seen.AddRange(seqs);
            after = seqs[^1];
            if (after >= all[^1]) break;
        }
        Assert.Equal(Enumerable.Range(1, seen.Count).Select(i => (long)i), seen);
        var beyond = await admin.GetFromJsonAsync<JsonElement>("/api/audit?after=1000000");
        Assert.Empty(beyond.GetProperty("entries").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, beyond.GetProperty("last").ValueKind);
    }

    [Fact]
    public async Task Extract_submissions_and_downloads_are_audited_with_project_cohort_and_size()
    {
        using var factory = new SandboxFactory();
        var admin = factory.Admin();
        var (analystId, analystKey) = await admin.NewUser("analyst");
        var analyst = factory.Client(analystKey);
        var project = await analyst.NewProject(["synthetic"]);
        // The cohort as sent, byte for byte, is what its hash covers.
        var body = $$"""{"dataset": "synthetic", "cohort": {{SandboxApi.Diabetes}}, "tables": ["receipts"], "format": "csv"}""";
        var submitted = await analyst.PostAsync($"/api/projects/{project}/extracts", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var jobId = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetString()!;
        var job = await analyst.WaitForJob(jobId);
        var zip = await analyst.GetByteArrayAsync($"/api/jobs/{jobId}/download");
        var patients = (await (await analyst.PostAsync("/api/datasets/synthetic/cohorts/count",
            new StringContent(SandboxApi.Diabetes, Encoding.UTF8, "application/json"))).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("count").GetInt64();

        var entries = (await admin.GetFromJsonAsync<JsonElement>("/api/audit?limit=10000")).GetProperty("entries").EnumerateArray().ToArray();
        var submission = Assert.Single(entries, e => e.GetProperty("endpoint").GetString() == $"/api/projects/{project}/extracts");
        Assert.Equal(202, submission.GetProperty("status").GetInt32());
        Assert.Equal("POST", submission.GetProperty("method").GetString());
        Assert.Equal(analystId, submission.GetProperty("userId").GetString());
        Assert.Equal(project, submission.GetProperty("projectId").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(SandboxApi.Diabetes))), submission.GetProperty("subjectHash").GetString());
        Assert.Equal(patients, submission.GetProperty("resultSize").GetInt64());

        var download = Assert.Single(entries, e => e.GetProperty("endpoint").GetString() == $"/api/jobs/{jobId}/download");
        Assert.Equal(200, download.GetProperty("status").GetInt32());
        Assert.Equal(project, download.GetProperty("projectId").GetString());
        Assert.Equal(zip.Length, download.GetProperty("resultSize").GetInt64());
        Assert.Equal(job.GetProperty("result").GetProperty("bytes").GetInt64(), zip.Length);
    }

    [Theory]
    [InlineData("UPDATE audit SET status = 200 WHERE seq = 2", 2, "entry 2 was changed")]
    [InlineData("DELETE FROM audit WHERE seq = 2", 3, "entry 3 is at position 2: an entry was deleted or moved")]
    // seq is the rowid, so swapping entries 2 and 3 reorders the rows: the entry now second still links to the old second.
    [InlineData("UPDATE audit SET seq = seq + 100 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = 102", 2,
        "entry 2 does not link to the entry before it")]
    public async Task Verify_finds_an_edited_deleted_or_reordered_entry(string tamper, long firstBad, string problem)
    {
        using var factory = new SandboxFactory();
        var admin = factory.Admin();
        for (var i = 0; i < 4; i++) await factory.Client(null).GetAsync("/api/me");
        var before = await admin.GetFromJsonAsync<JsonElement>("/api/audit/verify");
        Assert.True(before.GetProperty("ok").GetBoolean());
        Assert.True(before.GetProperty("entries").GetInt64() >= 4);
        Assert.True(before.GetProperty("anchored").GetBoolean());

        Sql(factory, tamper);
        // The verify request is itself audited after the check, so the check sees the tampered log as it is.
        var after = await admin.GetFromJsonAsync<JsonElement>("/api/audit/verify");
        Assert.False(after.GetProperty("ok").GetBoolean());
        Assert.Equal(firstBad, after.GetProperty("firstBadSeq").GetInt64());
        Assert.Contains(problem, after.GetProperty("problem").GetString());
    }

    [Fact]
    public async Task Entries_removed_from_the_end_stop_the_log_and_requests_are_refused_instead_of_chained_over()
    {
        using var factory = new SandboxFactory();
        var admin = factory.Admin();
        for (var i = 0; i < 5; i++) await admin.GetAsync("/api/me");
        Assert.True((await admin.GetFromJsonAsync<JsonElement>("/api/audit/verify")).GetProperty("ok").GetBoolean());
        var last = Count(factory);
        Sql(factory, "DELETE FROM audit WHERE seq > (SELECT max(seq) - 2 FROM audit)");

        // Before the fix the next entry chained onto the shortened log, rewrote the head, and verify passed again.
        await (await admin.GetAsync("/api/me")).AssertProblem(HttpStatusCode.ServiceUnavailable, "the audit log is broken");
        await (await factory.Client(null).GetAsync("/api/datasets")).AssertProblem(HttpStatusCode.ServiceUnavailable, "entries were removed from the end");
        await (await admin.PostAsJsonAsync("/api/users", new { name = "x", role = "analyst" })).AssertProblem(HttpStatusCode.ServiceUnavailable);
        for (var i = 0; i < 3; i++)
        {
            var verify = await admin.GetFromJsonAsync<JsonElement>("/api/audit/verify");
            Assert.False(verify.GetProperty("ok").GetBoolean());
            Assert.Equal(last - 1, verify.GetProperty("firstBadSeq").GetInt64());
            Assert.Contains("entries were removed from the end", verify.GetProperty("problem").GetString());
        }
        Assert.Equal(last - 2, Count(factory));
        Assert.Empty(Sql(factory, "SELECT id FROM users WHERE name = 'x'", read: true));

        var health = await factory.Client(null).GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        var status = await health.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("failing", status.GetProperty("status").GetString());
        Assert.Contains(status.GetProperty("problems").EnumerateArray(), p => p.GetString()!.Contains("audit log is broken"));
    }

    [Fact]
    public async Task A_log_shortened_with_its_head_rewritten_to_match_is_found_without_the_key()
    {
        using var factory = new SandboxFactory();
        var admin = factory.Admin();
        for (var i = 0; i < 5; i++) await admin.GetAsync("/api/me");
        Sql(factory, "DELETE FROM audit WHERE seq > (SELECT max(seq) - 2 FROM audit)");
        var (seq, hash) = End(factory);
        WriteHead(Path.Combine(factory.DataDir, "audit.head"), seq, hash, "a guess at the key, not the key 0123456789");

        var verify = await admin.GetFromJsonAsync<JsonElement>("/api/audit/verify");
        Assert.False(verify.GetProperty("ok").GetBoolean());
        Assert.Contains("signature does not match", verify.GetProperty("problem").GetString());
        await (await admin.GetAsync("/api/me")).AssertProblem(HttpStatusCode.ServiceUnavailable, "the audit log is broken");
    }

    [Theory]
    [InlineData(SandboxData.AuditKey, true)]
    [InlineData("a guess at the key, not the key 0123456789", false)]
    public void After_a_restart_a_shortened_log_passes_only_with_a_head_signed_with_the_key(string signer, bool whole)
    {
        using var data = new Claims.Testing.TempDirectory("claims-audit");
        var options = new Hosting.SandboxOptions { DataDir = data.Path, AuditKey = SandboxData.AuditKey };
        var database = new Storage.SandboxDatabase(data.Combine("sandbox.db"));
        var head = data.Combine("audit.head");
        AuditLog Open() => new(database, head, AuditKey.Resolve(options, NullLogger.Instance), NullLogger<AuditLog>.Instance);
        using (var log = Open())
        {
            for (var i = 0; i < 5; i++) Assert.NotNull(log.Append("u", "admin", null, "GET", "/api/me", 200, null, 10, null, 1.5));
            Assert.True(log.Verify().Ok);
        }
        using (var log = Open()) Assert.True(log.Verify().Ok);

        using (var connection = new SqliteConnection($"Data Source={data.Combine("sandbox.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM audit WHERE seq > 3; SELECT hash FROM audit WHERE seq = 3";
            WriteHead(head, 3, (string)command.ExecuteScalar()!, signer);
        }
        using (var log = Open())
        {
            // With the key anyone may cut the log short: the key is the anchor, and it lives outside the data folder.
            Assert.Equal(whole, log.Broken is null);
            Assert.Equal(whole, log.Verify().Ok);
            Assert.Equal(whole, log.Append("u", "admin", null, "GET", "/api/me", 200, null, 10, null, 1.5) is not null);
            if (!whole) Assert.Contains("signature does not match", log.Verify().Problem);
        }
    }

    [Fact]
    public async Task Without_an_audit_key_one_is_generated_beside_the_data_and_the_log_says_it_is_not_anchored()
    {
        using var sandbox = new SandboxFactory();
        using var factory = sandbox.WithWebHostBuilder(b => b.UseSetting("CLAIMS_AUDIT_KEY", ""));
        var admin = factory.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new("Bearer", SandboxData.AdminKey);
        var verify = await admin.GetFromJsonAsync<JsonElement>("/api/audit/verify");
        Assert.True(verify.GetProperty("ok").GetBoolean());
        Assert.False(verify.GetProperty("anchored").GetBoolean());
        var key = Path.Combine(sandbox.DataDir, "audit.key");
        Assert.Equal(64, File.ReadAllText(key).Trim().Length);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
    }

    /// <summary>The head record as docs/service.md describes it: "SEQ HASH HMAC", the HMAC-SHA256 of "claims-audit-head SEQ HASH".</summary>
    internal static void WriteHead(string path, long seq, string hash, string key)
    {
        var mac = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.ASCII.GetBytes($"claims-audit-head {seq} {hash}")));
        File.WriteAllText(path, $"{seq} {hash} {mac}\n");
    }

    private static long Count(SandboxFactory factory) => (long)Sql(factory, "SELECT count(*) FROM audit", read: true)[0]!;

    private static (long Seq, string Hash) End(SandboxFactory factory)
    {
        var row = Sql(factory, "SELECT seq || ' ' || hash FROM audit ORDER BY seq DESC LIMIT 1", read: true)[0]!.ToString()!.Split(' ');
        return (long.Parse(row[0]), row[1]);
    }

    private static List<object?> Sql(SandboxFactory factory, string sql, bool read = false)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(factory.DataDir, "sandbox.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (!read)
        {
            Assert.True(command.ExecuteNonQuery() > 0);
            return [];
        }
        using var reader = command.ExecuteReader();
        var values = new List<object?>();
        while (reader.Read()) values.Add(reader.GetValue(0));
        return values;
    }

    internal static async Task<(string UserId, string Key)> SignUp(SandboxFactory factory, string name = "Explorer")
    {
        var created = await (await factory.Client(null).PostAsJsonAsync("/api/signup", new { name, email = $"{Guid.NewGuid():N}@example.jp" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        return (created.GetProperty("userId").GetString()!, created.GetProperty("apiKey").GetString()!);
    }
}
