using System.Net;
using Claims.Cluster.Grains;
using Claims.Engine;
using Claims.Engine.Query;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Claims.Cluster.Hosting;

/// <summary>Wires Orleans to <see cref="ClusterSettings"/>: a silo serving shards, or a client sending work to them.</summary>
public static class ClusterHosting
{
    /// <summary>
    /// A host running one silo (<c>claims silo</c>, the benchmark's silo in its own process), not yet started, that logs
    /// warnings and errors only; of those, Orleans' advice about server GC and a watchdog's first reading, printed by
    /// every silo at start, say nothing wrong and are left out.
    /// </summary>
    public static IHost Silo(ClusterSettings settings, ShardRoots roots, ExecutionOptions execution)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Orleans.Runtime.Silo", LogLevel.Error).AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error);
        builder.UseOrleans(silo => silo.UseClaimsSilo(settings, roots, execution));
        return builder.Build();
    }

    /// <summary>A silo that hosts shard grains over the shards in <paramref name="roots"/>, scanning with <paramref name="execution"/>.</summary>
    public static ISiloBuilder UseClaimsSilo(this ISiloBuilder silo, ClusterSettings settings, ShardRoots roots, ExecutionOptions execution)
    {
        Check(settings);
        switch (settings.Membership)
        {
            case Membership.Localhost:
                silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort,
                    new IPEndPoint(IPAddress.Loopback, settings.PrimarySiloPort), settings.ServiceId, settings.ClusterId);
                break;
            case Membership.Redis:
                silo.UseRedisClustering(settings.Redis!)
                    .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (settings.ClusterId, settings.ServiceId))
                    .ConfigureEndpoints(settings.Address, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(settings.Address));
                break;
        }
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = settings.ProbeTimeout;
            o.NumMissedProbesLimit = 2;
        });
        silo.Configure<SiloMessagingOptions>(o => Messages(o, settings));
        return silo.AddClaimsShards(roots, execution);
    }

    /// <summary>The shard grains' services alone, for a silo whose membership is set elsewhere (Orleans' TestCluster).</summary>
    public static ISiloBuilder AddClaimsShards(this ISiloBuilder silo, ShardRoots roots, ExecutionOptions execution)
    {
        silo.Services.AddSingleton(roots).AddSingleton(new ShardExecution(execution));
        return silo.AddPlacementDirector<ShardPlacement, ShardPlacementDirector>();
    }

    /// <summary>A client of the cluster: what a coordinator (the CLI, the sandbox in cluster mode) sends its shard work through.</summary>
    public static IClientBuilder UseClaimsCluster(this IClientBuilder client, ClusterSettings settings)
    {
        Check(settings);
        switch (settings.Membership)
        {
            case Membership.Localhost:
                client.UseLocalhostClustering([.. settings.Gateways], settings.ServiceId, settings.ClusterId);
                break;
            case Membership.Redis:
                client.UseRedisClustering(settings.Redis!)
                    .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (settings.ClusterId, settings.ServiceId));
                break;
        }
        return client.Configure<ClientMessagingOptions>(o => Messages(o, settings));
    }

    /// <summary>
    /// The response timeout (<see cref="ClusterSettings.ResponseTimeout"/>), and messages larger than Orleans' 100 MB
    /// default: a grouped restricted query's partial carries each group's patients, more than that at national scale.
    /// </summary>
    private static void Messages(MessagingOptions options, ClusterSettings settings)
    {
        options.ResponseTimeout = settings.ResponseTimeout;
        options.MaxMessageBodySize = settings.MaxMessageBytes;
    }

    private static void Check(ClusterSettings settings)
    {
        if (settings.Problem() is { } problem) throw new ClaimsException($"cluster settings: {problem}");
    }
}
