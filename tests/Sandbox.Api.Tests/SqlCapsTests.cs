using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Claims.Sandbox.Identity;
using Claims.Sandbox.Sql;

namespace Claims.Sandbox.Tests;

/// <summary>
/// The SQL endpoint's caps as docs/service.md states them: rows (50 here), bytes per value (8 MiB) and per response
/// (16 MiB) counted as rows stream, DuckDB's memory and spill limits (48 and 4 MiB here), statements at once and
/// one statement per user. Statements that would hold a slot are held by the test's fake clock, not by timing.
/// </summary>
[Collection(SqlCollection.Name)]
public class SqlCapsTests(SqlFactory service)
{
    // Years of work in almost no memory.
    private const string Endless = "SELECT count(*) FROM range(1000000000000000)";

    private static Task<HttpResponseMessage> Post(HttpClient client, string sql) => client.PostAsJsonAsync("/api/datasets/synthetic/sql", new { sql });

    private async Task<HttpResponseMessage> Sql(string sql) => await Post(await service.Factory.As(Roles.Explorer), sql);

    private async Task<JsonElement> Ok(string sql)
    {
        var response = await Sql(sql);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement;
    }

    [Fact]
    public async Task A_billion_rows_stop_at_the_row_cap_without_waiting_for_the_rest()
    {
        // The fake clock never moves here: the answer comes because reading stops, not because time ran out.
        var result = await Ok("SELECT * FROM range(1000000000)");
        Assert.True(result.GetProperty("truncated").GetBoolean());
        Assert.Equal(Enumerable.Range(0, 50), result.GetProperty("rows").EnumerateArray().Select(r => r[0].GetInt32()));
    }

    [Fact]
    public async Task Exactly_the_cap_is_not_truncated()
    {
        var result = await Ok("SELECT * FROM range(50)");
        Assert.False(result.GetProperty("truncated").GetBoolean());
        Assert.Equal(50, result.GetProperty("rows").GetArrayLength());
    }

    [Theory]
    [InlineData("SELECT repeat('x', 10000000) AS big")]
    [InlineData("SELECT repeat('x', 10000000)::BLOB AS big")]
    [InlineData("SELECT list(range) AS big FROM range(600000)")]
    [InlineData("SELECT 1 AS small, repeat('é', 5000000) AS big")]
    public async Task One_value_over_8_MiB_is_refused_naming_its_column(string sql) =>
        await (await Sql(sql)).AssertProblem(HttpStatusCode.BadRequest, "column 'big' holds a value of about");

    [Fact]
    public async Task Values_are_counted_as_they_stream_and_the_response_stops_before_16_MiB()
    {
        // Each row is a 3,000,000-character string: five fit in 16 MiB (16,777,216 bytes), a sixth would not.
        var response = await Sql("SELECT repeat('x', 3000000) AS s FROM range(10)");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.InRange(response.Content.Headers.ContentLength ?? (await response.Content.ReadAsByteArrayAsync()).Length, 15_000_000, 16_777_216);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(result.GetProperty("truncated").GetBoolean());
        Assert.Equal(5, result.GetProperty("rows").GetArrayLength());
    }

    [Fact]
    public async Task A_statement_past_the_memory_limit_is_a_400_without_the_data_folder()
    {
        var response = await Sql("SELECT len(list(range)) FROM range(10000000)");
        await response.AssertProblem(HttpStatusCode.BadRequest, "Out of Memory");
        Assert.DoesNotContain(service.DataDir, await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await Sql("SELECT 1")).StatusCode);
    }

    [Fact]
    public async Task A_statement_past_the_spill_limit_is_a_400_without_the_data_folder()
    {
        var response = await Sql("SELECT count(*) FROM (SELECT range FROM range(5000000) ORDER BY hash(range))");
        await response.AssertProblem(HttpStatusCode.BadRequest, "max_temp_directory_size");
        Assert.DoesNotContain(service.DataDir, await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await Sql("SELECT 1")).StatusCode);
    }

    [Fact]
    public async Task A_users_second_statement_is_429_while_another_user_is_served_at_once()
    {
        await service.Slots.WhenIdle();
        var heavy = await service.Factory.As(Roles.Explorer);
        var first = Post(heavy, Endless);
        await service.Slots.WhenRunning(1);
        service.Time.Advance(TimeSpan.FromSeconds(0.5));

        var second = await Post(heavy, Endless);
        await second.AssertProblem(HttpStatusCode.TooManyRequests, "one runs at a time per user");
        Assert.Equal(TimeSpan.FromSeconds(2), second.Headers.RetryAfter!.Delta);
        var other = await Sql("SELECT 42");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.False(first.IsCompleted);

        service.Time.Advance(TimeSpan.FromSeconds(1.5));
        await (await first).AssertProblem(HttpStatusCode.BadRequest, "exceeded 2 s");
        await service.Slots.WhenIdle();
        Assert.Equal(HttpStatusCode.OK, (await Post(heavy, "SELECT 1")).StatusCode);
    }

    /// <summary>Every slot taken by a place the test gives back when it chooses.</summary>
    private SqlSlots.Lease[] HoldEverySlot() => Enumerable.Range(0, service.Slots.Capacity).Select(i =>
    {
        Assert.True(service.Slots.TryEnter($"holder {i}", service.Time.GetUtcNow().AddHours(1), out var lease, out _));
        return lease;
    }).ToArray();

    [Fact]
    public async Task Past_the_statements_at_once_a_user_waits_for_a_slot_and_runs_when_one_is_free()
    {
        await service.Slots.WhenIdle();
        var held = HoldEverySlot();
        try
        {
            var waiting = Sql("SELECT 7");
            await service.Slots.WhenWaiting(1);
            Assert.False(waiting.IsCompleted);
            held[0].Dispose();
            var result = await (await waiting).Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(7, result.GetProperty("rows")[0][0].GetInt32());
        }
        finally
        {
            foreach (var lease in held) lease.Dispose();
        }
    }

    [Fact]
    public async Task Waiting_for_a_slot_counts_against_the_time_limit()
    {
        await service.Slots.WhenIdle();
        var held = HoldEverySlot();
        try
        {
            var waiting = Sql("SELECT 7");
            await service.Slots.WhenWaiting(1);
            service.Time.Advance(TimeSpan.FromSeconds(2));
            await (await waiting).AssertProblem(HttpStatusCode.BadRequest, "exceeded 2 s");
        }
        finally
        {
            foreach (var lease in held) lease.Dispose();
        }
        await service.Slots.WhenIdle();
    }
}
