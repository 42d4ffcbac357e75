using Claims.Sandbox.Projects;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Claims.Sandbox.Tests;

/// <summary>
/// The service with a stand-in <see cref="IProjectAccess"/> (the projects feature provides the real one), a 2 s SQL
/// time limit and a 50-row SQL cap, so restricted requests, time-outs and truncation can be tested.
/// </summary>
public sealed class ProjectsFactory : IDisposable
{
    private readonly SandboxFactory _sandbox = new();

    public ProjectsFactory() => Factory = _sandbox.WithWebHostBuilder(b => b
        .UseSetting("Sandbox:SqlTimeoutSeconds", "2")
        .UseSetting("Sandbox:SqlMaxRows", "50")
        .ConfigureTestServices(s => s.AddSingleton<IProjectAccess>(new FakeProjectAccess())));

    public WebApplicationFactory<Program> Factory { get; }

    public string DataDir => _sandbox.DataDir;

    public void Dispose() => _sandbox.Dispose();
}
