using System.Net;

namespace Claims.Sandbox.Tests;

/// <summary>The service as `dotnet run` starts it: a real process on a real Kestrel socket.</summary>
public class KestrelTests
{
    [Fact]
    public async Task The_service_honours_ASPNETCORE_URLS_and_answers_health_on_loopback()
    {
        var port = ServiceProcess.FreePort();
        using var data = SandboxData.NewDataDir();
        using var service = ServiceProcess.Start(new Dictionary<string, string>(SandboxData.Environment(data.Path)) { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" });
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var response = await ServiceProcess.WaitForHealth(client);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("Claims sandbox", await client.GetStringAsync("/"));

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

    [Fact]
    public async Task Without_settings_it_serves_on_localhost_5080()
    {
        using var data = SandboxData.NewDataDir();
        using var service = ServiceProcess.Start(SandboxData.Environment(data.Path));
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri("http://localhost:5080") };
            var response = await ServiceProcess.WaitForHealth(client);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            service.Kill(entireProcessTree: true);
        }
    }
}
