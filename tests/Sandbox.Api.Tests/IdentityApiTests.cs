using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Claims.Sandbox.Tests;

public class IdentityApiTests(SandboxFactory factory) : IClassFixture<SandboxFactory>
{
    [Fact]
    public async Task Sign_up_gives_an_explorer_key_that_works_at_once_and_is_stored_only_as_a_hash()
    {
        var response = await factory.Client(null).PostAsJsonAsync("/api/signup", new { name = "Aiko", email = "aiko@example.jp" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("explorer", created.GetProperty("role").GetString());
        var key = created.GetProperty("apiKey").GetString()!;
        Assert.StartsWith("clm_", key);

        var me = await factory.Client(key).GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal(created.GetProperty("userId").GetString(), me.GetProperty("userId").GetString());
        Assert.False(File.ReadAllBytes(Path.Combine(factory.DataDir, "sandbox.db")).AsSpan().IndexOf(Encoding.UTF8.GetBytes(key)) >= 0,
            "the key itself is in the database");
    }

    [Theory]
    [InlineData("{\"name\": \"A\"}", "email is required")]
    [InlineData("{\"name\": \"A\", \"email\": \"not-an-address\"}", "is not an e-mail address")]
    [InlineData("{\"email\": \"a@example.jp\"}", "name is required")]
    [InlineData("{\"name\": ", "JSON")]
    public async Task A_bad_sign_up_is_a_400_problem_naming_the_field(string body, string message)
    {
        var response = await factory.Client(null).PostAsync("/api/signup", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(message, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Without_a_valid_key_every_api_endpoint_is_a_401_problem()
    {
        foreach (var key in new string?[] { null, "clm_not-a-key", "" })
        {
            var response = await factory.Client(key).GetAsync("/api/me");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        var basic = factory.Client(null);
        basic.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Basic YWJjOmRlZg==");
        Assert.Equal(HttpStatusCode.Unauthorized, (await basic.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task Admins_create_users_with_roles_issue_and_revoke_keys_and_revocation_takes_effect_at_once()
    {
        var admin = factory.Admin();
        var response = await admin.PostAsJsonAsync("/api/users", new { name = "Kenji", role = "analyst" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        var userId = created.GetProperty("userId").GetString()!;
        var analyst = factory.Client(created.GetProperty("apiKey").GetString());
        Assert.Equal("analyst", (await analyst.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("role").GetString());

        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync("/api/users", new { name = "X", role = "superuser" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.PostAsJsonAsync("/api/users", new { name = "Y", role = "admin" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.GetAsync("/api/users")).StatusCode);

        var second = await (await admin.PostAsync($"/api/users/{userId}/keys", null)).Content.ReadFromJsonAsync<JsonElement>();
        var other = factory.Client(second.GetProperty("apiKey").GetString());
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/me")).StatusCode);

        var keys = await admin.GetFromJsonAsync<JsonElement>($"/api/users/{userId}/keys");
        var first = keys.EnumerateArray().First().GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/keys/{first}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await analyst.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/keys/{first}")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/users/{userId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task An_oversized_body_is_a_400_problem()
    {
        var body = new StringContent($"{{\"name\": \"{new string('a', 2 << 20)}\", \"email\": \"a@b.jp\"}}", Encoding.UTF8, "application/json");
        var response = await factory.Client(null).PostAsync("/api/signup", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("limit", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Sign_up_is_rate_limited_per_address_with_a_429_problem()
    {
        using var own = new SandboxFactory();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
            statuses.Add((await own.Client(null).PostAsJsonAsync("/api/signup", new { name = $"n{i}", email = $"n{i}@example.jp" })).StatusCode);
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.Created));
        var refused = await own.Client(null).PostAsJsonAsync("/api/signup", new { name = "late", email = "late@example.jp" });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
    }
}
