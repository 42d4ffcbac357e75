using Claims.Sandbox.Extracts;
using Claims.Sandbox.Jobs;
using Claims.Sandbox.Models;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Claims.Sandbox.Tests;

/// <summary>
/// The service whose clock and job worker the test drives: time is a <see cref="FakeTimeProvider"/> starting at the
/// real now and moving only when <see cref="Clock"/> is advanced (project expiry, job times, result retention and
/// its sweeps all read it), and every job waits at <see cref="Gate"/> when the gate is closed.
/// </summary>
public sealed class ControlledSandbox : IDisposable
{
    private readonly SandboxFactory _sandbox = new();

    public ControlledSandbox() : this([]) { }

    /// <param name="settings">Further settings, e.g. Sandbox:JobQueueCapacity.</param>
    internal ControlledSandbox(Dictionary<string, string> settings) => Factory = _sandbox.WithWebHostBuilder(builder =>
    {
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        builder.ConfigureTestServices(services =>
        {
            services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock));
            services.RemoveAll<IJobRunner>();
            services.AddSingleton<ExtractJob>();
            services.AddSingleton<ModelJob>();
            services.AddSingleton<IJobRunner>(sp => new GatedRunner(sp.GetRequiredService<ExtractJob>(), Gate));
            services.AddSingleton<IJobRunner>(sp => new GatedRunner(sp.GetRequiredService<ModelJob>(), Gate));
        });
    });

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public JobGate Gate { get; } = new();

    public WebApplicationFactory<Program> Factory { get; }

    public string DataDir => _sandbox.DataDir;

    public IServiceProvider Services => Factory.Services;

    /// <summary>A client sending <paramref name="key"/> as its bearer key (none when null).</summary>
    public HttpClient Client(string? key) => Factory.WithKey(key);

    public HttpClient Admin() => Client(SandboxData.AdminKey);

    public void Dispose()
    {
        // A test that failed with the gate closed must not keep a job waiting through the shutdown.
        Gate.Open();
        Factory.Dispose();
        _sandbox.Dispose();
    }
}
