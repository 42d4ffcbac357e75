using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Claims.Benchmarks;

/// <summary>
/// A `claims silo` process started from the build output beside this harness (localhost membership), killed with
/// its children when disposed, so a failed run leaves no silo holding ports or cores.
/// </summary>
internal sealed class SiloProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private SiloProcess(Process process, int gatewayPort)
    {
        _process = process;
        GatewayPort = gatewayPort;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int GatewayPort { get; }

    private string Output => string.Join("\n", _output);

    /// <summary>Starts a silo serving the split datasets under <paramref name="shards"/> and waits until it has joined the cluster.</summary>
    public static async Task<SiloProcess> StartAsync(string shards, string clusterId, int siloPort, int gatewayPort, int primaryPort)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                typeof(Cli.ClaimsCli).Assembly.Location, "silo", "--shards", shards, "--cluster-id", clusterId,
                "--silo-port", siloPort.ToString(), "--gateway-port", gatewayPort.ToString(), "--primary-port", primaryPort.ToString(),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var silo = new SiloProcess(Process.Start(start)!, gatewayPort);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!silo.Output.Contains("silo ready", StringComparison.Ordinal))
        {
            if (silo._process.HasExited || DateTime.UtcNow > deadline)
            {
                var output = silo.Output;
                silo.Dispose();
                throw new InvalidOperationException($"claims silo on port {siloPort} did not start:\n{output}");
            }
            await Task.Delay(100);
        }
        return silo;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}
