using System.Net.Http.Headers;
using Claims.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Claims.Sandbox.Tests;

/// <summary>The service in memory over its own data folder (see <see cref="SandboxData"/>), with the test admin key.</summary>
public sealed class SandboxFactory : WebApplicationFactory<Program>
{
    private readonly TempDirectory _data = SandboxData.NewDataDir();

    public string DataDir => _data.Path;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in SandboxData.Environment(DataDir)) builder.UseSetting(key, value);
    }

    /// <summary>A client sending <paramref name="key"/> as its bearer key (none when null).</summary>
    public HttpClient Client(string? key)
    {
        var client = CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public HttpClient Admin() => Client(SandboxData.AdminKey);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _data.Dispose();
    }
}
