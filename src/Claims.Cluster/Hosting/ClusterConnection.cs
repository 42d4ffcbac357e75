using Claims.Cluster.Coordinator;
using Claims.Engine;
using Claims.Engine.Sharding;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Claims.Cluster.Hosting;

/// <summary>
/// A coordinator's connection to a running cluster (<c>claims query --cluster</c>, the sandbox in cluster mode): an
/// Orleans client started on <see cref="ClusterSettings"/>, and split datasets opened through it.
/// </summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterConnection(IHost host, ClusterSettings settings)
    {
        _host = host;
        Settings = settings;
        Client = host.Services.GetRequiredService<IClusterClient>();
    }

    public ClusterSettings Settings { get; }

    public IClusterClient Client { get; }

    /// <summary>Connects to the cluster, or says which cluster could not be reached and how it was looked for.</summary>
    public static async Task<ClusterConnection> ConnectAsync(ClusterSettings settings, CancellationToken cancellationToken = default)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // A failed start is said once, by the exception below, not again as the host's stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.UseOrleansClient(client => client.UseClaimsCluster(settings));
        var host = builder.Build();
        // Orleans keeps looking for a gateway for minutes; a command waiting on a cluster that is not there says so sooner.
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(settings.ConnectTimeout);
        try
        {
            await host.StartAsync(patience.Token);
        }
        // Whatever the membership's store throws (Redis unreachable, refused, misnamed) is the same answer to the caller.
        catch (Exception e)
        {
            host.Dispose();
            if (cancellationToken.IsCancellationRequested) throw;
            // The servers only: a connection string may carry a password, and this message is shown to callers.
            var where = settings.Membership == Membership.Redis ? $"Redis at {RedisServers(settings.Redis!)}" : $"gateway ports {string.Join(", ", settings.Gateways)}";
            var why = e is OperationCanceledException ? $"none within {settings.ConnectTimeout.TotalSeconds:0.#} s" : e.Message;
            throw new ClaimsException($"no silo of cluster '{settings.ClusterId}' answered ({settings.Membership} membership, {where}): {why}");
        }
        return new ClusterConnection(host, settings);
    }

    private static string RedisServers(string connection)
    {
        try
        {
            return string.Join(", ", StackExchange.Redis.ConfigurationOptions.Parse(connection).EndPoints);
        }
        catch (ArgumentException)
        {
            return "the servers given";
        }
    }

    /// <summary>The split dataset in <paramref name="directory"/>, queried through this cluster's silos.</summary>
    public ShardedDataset Open(string directory, ScatterOptions? options = null) =>
        ShardedDataset.Open(directory, new GrainTransport(Client, options));

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync();
        }
        finally
        {
            _host.Dispose();
        }
    }
}
