using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Claims.Sandbox.Tests;

/// <summary>The service as `dotnet run` starts it: a real process on a real Kestrel socket.</summary>
public class KestrelTests
{
    [Fact]
    public async Task The_service_honours_ASPNETCORE_URLS_and_answers_health_on_loopback()
    {
        var port = FreePort();
        using var data = SandboxData.NewDataDir();
        using var service = Start(new Dictionary<string, string>(SandboxData.Environment(data.Path)) { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" });
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var response = await WaitForHealth(client);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
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
        using var service = Start(SandboxData.Environment(data.Path));
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri("http://localhost:5080") };
            var response = await WaitForHealth(client);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            service.Kill(entireProcessTree: true);
        }
    }

    private static Process Start(Dictionary<string, string> environment)
    {
        var assembly = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { assembly },
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("ASPNETCORE_HTTP_PORTS");
        foreach (var (key, value) in environment) start.Environment[key] = value;
        var process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<HttpResponseMessage> WaitForHealth(HttpClient client)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                return await client.GetAsync("/health");
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
