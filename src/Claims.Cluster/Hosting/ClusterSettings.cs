using System.Globalization;
using System.Net;
using Claims.Engine;

namespace Claims.Cluster.Hosting;

/// <summary>How silos find each other and clients find the silos.</summary>
public enum Membership
{
    /// <summary>Development: silos on one machine, the membership table held by the primary silo (whose loss ends the cluster).</summary>
    Localhost,

    /// <summary>Production: the membership table in Redis, so any silo may be lost and silos on any machine join.</summary>
    Redis,
}

/// <summary>
/// One cluster's settings, shared by its silos (<c>claims silo</c>), its clients (<c>claims query --cluster</c>, the
/// sandbox in cluster mode) and the tests. Defaults are Orleans' ports and a membership that declares a lost silo
/// dead within a few seconds, which is what the coordinator's retries wait for.
/// </summary>
public sealed record ClusterSettings
{
    public string ClusterId { get; init; } = "claims";

    public string ServiceId { get; init; } = "claims";

    public Membership Membership { get; init; } = Membership.Localhost;

    /// <summary>The Redis connection string (StackExchange.Redis format, e.g. localhost:6379) for <see cref="Membership.Redis"/>.</summary>
    public string? Redis { get; init; }

    /// <summary>The address a silo tells the others and the clients to reach it at.</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    public int SiloPort { get; init; } = 11111;

    public int GatewayPort { get; init; } = 30000;

    /// <summary>Localhost membership: the silo port of the primary silo, which holds the membership table.</summary>
    public int PrimarySiloPort { get; init; } = 11111;

    /// <summary>Localhost membership, for a client: the silos' gateway ports.</summary>
    public IReadOnlyList<int> Gateways { get; init; } = [30000];

    /// <summary>
    /// How long one call to a shard may take (Orleans' response timeout). A call to a silo killed while it scanned is
    /// answered by nobody, and this is how the coordinator learns the silo is gone; so it is also the longest one
    /// shard's scan may run before it is cancelled and asked again. Size shards so one scans well within it.
    /// </summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The largest message (a shard's partial aggregate) the cluster carries.</summary>
    public int MaxMessageBytes { get; init; } = 1 << 30;

    /// <summary>How long a client looks for a gateway before it says the cluster is not there.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a silo waits for a probe's answer; a silo missing two in a row is voted dead.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A membership by its name, as <paramref name="source"/> (an option, a setting) gave it.</summary>
    public static Membership MembershipOf(string name, string source) => name switch
    {
        "localhost" => Membership.Localhost,
        "redis" => Membership.Redis,
        _ => throw new ClaimsException($"{source}: '{name}' is neither 'localhost' nor 'redis'"),
    };

    /// <summary>A comma-separated list of ports, as <paramref name="source"/> gave it, naming the first that is not one.</summary>
    public static int[] Ports(string text, string source) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p =>
            int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
                ? port
                : throw new ClaimsException($"{source}: '{p}' is not a port (1 to 65535)"))];

    /// <summary>What is wrong with these settings, or null.</summary>
    public string? Problem() => Membership switch
    {
        Membership.Redis when string.IsNullOrWhiteSpace(Redis) => "Redis membership needs a connection string (--redis HOST:PORT)",
        _ when SiloPort is < 1 or > 65535 || GatewayPort is < 1 or > 65535 || PrimarySiloPort is < 1 or > 65535 => "ports run from 1 to 65535",
        _ when Gateways.Count == 0 || Gateways.Any(p => p is < 1 or > 65535) => "a client needs at least one gateway port, each from 1 to 65535",
        _ when ProbeTimeout <= TimeSpan.Zero || ConnectTimeout <= TimeSpan.Zero || ResponseTimeout <= TimeSpan.Zero => "timeouts must be positive",
        _ when MaxMessageBytes < 1 << 20 => "messages must be allowed at least 1 MiB",
        _ => null,
    };
}
