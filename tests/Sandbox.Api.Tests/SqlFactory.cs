using Claims.Sandbox.Sql;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Claims.Sandbox.Tests;

/// <summary>
/// The service for SQL tests: a 2 s time limit on a fake clock the tests move (so a statement runs until a test
/// says its time is up), a 50-row cap, and DuckDB limited to 48 MiB of memory and 4 MiB of spill, so the caps
/// can be reached by small statements. The SQL test classes share it and run one after another (the slots are shared).
/// </summary>
public sealed class SqlFactory : IDisposable
{
    private readonly SandboxFactory _sandbox = new();

    public SqlFactory() => Factory = _sandbox.WithWebHostBuilder(b => b
        .UseSetting("Sandbox:SqlTimeoutSeconds", "2")
        .UseSetting("Sandbox:SqlMaxRows", "50")
        .UseSetting("Sandbox:SqlMemoryLimitMB", "48")
        .UseSetting("Sandbox:SqlSpillLimitMB", "4")
        .ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Time)));

    public WebApplicationFactory<Program> Factory { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));

    public SqlSlots Slots => Factory.Services.GetRequiredService<SqlSlots>();

    public string DataDir => _sandbox.DataDir;

    public string DatabasePath => Path.Combine(DataDir, "duckdb", "synthetic.duckdb");

    public void Dispose() => _sandbox.Dispose();
}

[CollectionDefinition(Name)]
public sealed class SqlCollection : ICollectionFixture<SqlFactory>
{
    public const string Name = "SQL";
}
