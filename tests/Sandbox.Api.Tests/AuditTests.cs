using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;

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

    [Theory]
    [InlineData("UPDATE audit SET status = 200 WHERE seq = 2", "changed")]
    [InlineData("DELETE FROM audit WHERE seq = 2", "deleted or moved")]
    [InlineData("UPDATE audit SET seq = seq + 100 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = 102", "")]
    [InlineData("DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)", "removed from the end")]
    public async Task Verify_finds_an_edited_deleted_reordered_or_truncated_log(string tamper, string problem)
    {
        using var factory = new SandboxFactory();
        var admin = factory.Admin();
        for (var i = 0; i < 4; i++) await factory.Client(null).GetAsync("/api/me");
        var before = await admin.GetFromJsonAsync<JsonElement>("/api/audit/verify");
        Assert.True(before.GetProperty("ok").GetBoolean());
        Assert.True(before.GetProperty("entries").GetInt64() >= 4);

        using (var connection = new SqliteConnection($"Data Source={Path.Combine(factory.DataDir, "sandbox.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = tamper;
            Assert.True(command.ExecuteNonQuery() > 0);
        }
        // The verify request is itself audited after the check, so the check sees the tampered log as it is.
        var after = await admin.GetFromJsonAsync<JsonElement>("/api/audit/verify");
        Assert.False(after.GetProperty("ok").GetBoolean());
        Assert.Contains(problem, after.GetProperty("problem").GetString());
    }

    internal static async Task<(string UserId, string Key)> SignUp(SandboxFactory factory, string name = "Explorer")
    {
        var created = await (await factory.Client(null).PostAsJsonAsync("/api/signup", new { name, email = $"{Guid.NewGuid():N}@example.jp" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        return (created.GetProperty("userId").GetString()!, created.GetProperty("apiKey").GetString()!);
    }
}
