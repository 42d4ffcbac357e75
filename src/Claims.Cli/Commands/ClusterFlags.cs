using System.CommandLine;
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
        Membership = ClusterSettings.MembershipOf(parse.GetValue(_membership)!, "--membership"),
        Redis = parse.GetValue(_redis),
        ClusterId = parse.GetValue(_clusterId)!,
        ServiceId = parse.GetValue(_clusterId)!,
    };

    public static IPAddress Address(string text) =>
        IPAddress.TryParse(text, out var address) ? address : throw new ClaimsException($"--address: '{text}' is not an IP address");
}
