using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Claims.Sandbox.Hosting;
using Microsoft.AspNetCore.Builder;

namespace Claims.Sandbox.Tests;

/// <summary>The service as `dotnet run` starts it: a real process on a real Kestrel socket.</summary>
public class KestrelTests
{
    [Fact]
    public async Task The_service_honours_ASPNETCORE_URLS_and_answers_on_loopback()
    {
        var port = ServiceProcess.FreePort();
        using var data = SandboxData.NewDataDir();
        // A key only the process started here knows: an answer to it cannot come from anything else on the port.
        var nonce = $"nonce-{Guid.NewGuid():N}";
        var environment = new Dictionary<string, string>(SandboxData.Environment(data.Path)) { ["CLAIMS_ADMIN_KEY"] = nonce, ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" };
        using var service = ServiceProcess.Start(environment);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var response = await ServiceProcess.WaitForHealth(client);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var me = new HttpRequestMessage(HttpMethod.Get, "/api/me") { Headers = { Authorization = new("Bearer", nonce) } };
            var answer = await client.SendAsync(me);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal("admin", (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("role").GetString());
            Assert.Contains("Claims サンドボックス", await client.GetStringAsync("/"));

            // Only a real Kestrel enforces the body limit on a body sent in chunks, without a length.
            var content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes($"{{\"name\": \"{new string('n', 2 << 20)}\", \"email\": \"a@b.jp\"}}")));
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var chunked = new HttpRequestMessage(HttpMethod.Post, "/api/signup") { Content = content };
            chunked.Headers.TransferEncodingChunked = true;
            await (await client.SendAsync(chunked)).AssertProblem(HttpStatusCode.BadRequest, "larger than");
        }
        finally
        {
            service.Kill(entireProcessTree: true);
        }
    }

    /// <summary>
    /// Not on a real socket: port 5080 may be taken by anything on the machine (another service, another test run),
    /// and an answer from there proves nothing. What is ours is the choice: 5080 unless the deployment chose.
    /// </summary>
    [Theory]
    [InlineData(null, null, DefaultUrl.Address)]
    [InlineData("urls", "http://127.0.0.1:6001", "http://127.0.0.1:6001")]
    [InlineData("http_ports", "6002", null)]
    public void Without_a_chosen_address_the_service_serves_on_localhost_5080(string? setting, string? value, string? urls)
    {
        Assert.Equal("http://localhost:5080", DefaultUrl.Address);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        if (setting is not null) builder.Configuration[setting] = value;
        builder.UseDefaultUrl(DefaultUrl.Address);
        Assert.Equal(urls, builder.WebHost.GetSetting("urls"));
    }
}
