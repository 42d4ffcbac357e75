using System.CommandLine;
using Claims.Cluster.Coordinator;
using Claims.Cluster.Hosting;
using Claims.Engine;
using Claims.Engine.Sharding;

namespace Claims.Cli.Commands;

/// <summary>
/// A split dataset read through its cluster's silos (`--cluster DIR` and how to reach them) instead of `--data DIR`:
/// the same options and the same connection for every command that reads one (query, cohort, extract, train).
/// </summary>
internal sealed class ClusterTarget
{
    private readonly Option<string?> _cluster = new("--cluster") { Description = "A split dataset (the folder holding cluster.json), read through its cluster's silos instead of --data" };
    private readonly Option<string> _gateways = new("--gateways") { Description = "With --cluster and localhost membership: the silos' gateway ports, comma-separated", DefaultValueFactory = _ => "30000" };
    private readonly Option<int> _deadline = new("--deadline") { Description = "With --cluster: seconds the shards have to answer each request, retries of a lost silo included", DefaultValueFactory = _ => 300 };
    private readonly ClusterFlags _flags = new();

    public void AddTo(Command command)
    {
        command.Options.Add(_cluster);
        command.Options.Add(_gateways);
        command.Options.Add(_deadline);
        _flags.AddTo(command);
    }

    /// <summary>Whether the command reads a split dataset through its cluster; refuses --data beside --cluster, and neither.</summary>
    public bool Chosen(ParseResult parse, Option<string> data) => (parse.GetValue(_cluster), parse.GetValue(data)) switch
    {
        ({ }, { }) => throw new ClaimsException("--data and --cluster: name one dataset, not both"),
        ({ }, null) => true,
        (null, { }) => false,
        _ => throw new ClaimsException("name the dataset: --data DIR, or --cluster DIR for a split dataset read through its silos"),
    };

    /// <summary>Connects to the cluster, opens the split dataset (in <paramref name="period"/>, when given) and runs <paramref name="work"/> on it.</summary>
    public T Run<T>(ParseResult parse, string? period, Func<ShardedDataset, T> work)
    {
        if (parse.GetValue(_deadline) < 1) throw new ClaimsException($"--deadline: must be at least 1 second, not {parse.GetValue(_deadline)}");
        var settings = _flags.Settings(parse) with { Gateways = ClusterSettings.Ports(parse.GetValue(_gateways)!, "--gateways") };
        var connection = ClusterConnection.ConnectAsync(settings).GetAwaiter().GetResult();
        try
        {
            using var opened = connection.Open(parse.GetValue(_cluster)!, ScatterOptions.Default with { Deadline = TimeSpan.FromSeconds(parse.GetValue(_deadline)) });
            return work(period is { } months ? opened.Period(CommonOptions.Months(months)) : opened);
        }
        finally
        {
            connection.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
