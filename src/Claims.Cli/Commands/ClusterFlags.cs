using System.CommandLine;
using System.Globalization;
using System.Net;
using Claims.Cluster.Hosting;
using Claims.Engine;

namespace Claims.Cli.Commands;

/// <summary>How a silo or a client finds the cluster (<see cref="ClusterSettings"/>), spelled the same by `claims silo` and `claims query --cluster`.</summary>
internal sealed class ClusterFlags
{
    private readonly Option<string> _membership = new("--membership") { Description = "How silos find each other: localhost (development, the primary silo holds the table) or redis", DefaultValueFactory = _ => "localhost" };
    private readonly Option<string?> _redis = new("--redis") { Description = "Redis for --membership redis (HOST:PORT, or a StackExchange.Redis connection string)" };
    private readonly Option<string> _clusterId = new("--cluster-id") { Description = "The cluster's id: silos and clients of one cluster share it", DefaultValueFactory = _ => "claims" };

    public ClusterFlags() => _membership.AcceptOnlyFromAmong("localhost", "redis");

    public void AddTo(Command command)
    {
        command.Options.Add(_membership);
        command.Options.Add(_redis);
        command.Options.Add(_clusterId);
    }

    public ClusterSettings Settings(ParseResult parse) => new()
    {
        Membership = parse.GetValue(_membership) == "redis" ? Membership.Redis : Membership.Localhost,
        Redis = parse.GetValue(_redis),
        ClusterId = parse.GetValue(_clusterId)!,
        ServiceId = parse.GetValue(_clusterId)!,
    };

    /// <summary>A comma-separated list of ports, named by its option where one is not a port.</summary>
    public static int[] Ports(string text, string option) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p =>
            int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
                ? port
                : throw new ClaimsException($"{option}: '{p}' is not a port (1 to 65535)"))];

    public static IPAddress Address(string text) =>
        IPAddress.TryParse(text, out var address) ? address : throw new ClaimsException($"--address: '{text}' is not an IP address");
}
