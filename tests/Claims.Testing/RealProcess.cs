using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Claims.Testing;

/// <summary>
/// Real processes for the cluster's end-to-end tests and benchmark: a Redis server (the membership table) and `claims`
/// processes (a silo, say) started from a build output (the claims.dll of a project that
/// references the CLI), each killable with SIGKILL as a crash would; and `claims` commands run to their end.
/// </summary>
public sealed class RealProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private RealProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Output => string.Join("\n", _output);

    public bool Exited => _process.HasExited;

    /// <summary>Starts `claims` with <paramref name="args"/> and waits until a line of its output contains <paramref name="ready"/>.</summary>
    public static async Task<RealProcess> Claims(string claims, string ready, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { ArgumentList = { claims } };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return await Start(start, ready);
    }

    /// <summary>A Redis server on <paramref name="port"/> that keeps nothing on disk.</summary>
    public static async Task<RealProcess> Redis(int port) =>
        await Start(new ProcessStartInfo("redis-server") { ArgumentList = { "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" } },
            "Ready to accept connections");

    /// <summary>Runs `claims` with <paramref name="args"/> to its end: its exit code and what it printed.</summary>
    public static async Task<(int Code, string Output)> Run(string claims, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { ArgumentList = { claims }, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    private static async Task<RealProcess> Start(ProcessStartInfo start, string ready)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var process = new RealProcess(Process.Start(start)!);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!process.Output.Contains(ready, StringComparison.Ordinal))
        {
            if (process.Exited || DateTime.UtcNow > deadline)
            {
                process.Dispose();
                throw new InvalidOperationException($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not print \"{ready}\":\n{process.Output}");
            }
            await Task.Delay(100);
        }
        return process;
    }

    /// <summary>SIGKILL: no shutdown, no goodbye to the cluster, as a crashed machine.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
    }
}
