using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Claims.Sandbox.Tests;

/// <summary>Clients signed in as a new user of a role, created through the admin API.</summary>
public static class TestUsers
{
    public static HttpClient WithKey(this WebApplicationFactory<Program> factory, string? key)
    {
        var client = factory.CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public static async Task<HttpClient> As(this WebApplicationFactory<Program> factory, string role)
    {
        var response = await factory.WithKey(SandboxData.AdminKey).PostAsJsonAsync("/api/users", new { name = $"a {role}", role });
        response.EnsureSuccessStatusCode();
        return factory.WithKey((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("apiKey").GetString());
    }
}
