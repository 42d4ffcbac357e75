using System.CommandLine;
using Claims.Cluster.Grains;
using Claims.Cluster.Hosting;
using Microsoft.Extensions.Hosting;
using Spectre.Console;

namespace Claims.Cli.Commands;

/// <summary>
/// `claims silo`: one Orleans silo of a Claims cluster, serving the shards under its --shards folders until stopped
/// (Ctrl-C or SIGTERM, which leaves the cluster cleanly; a killed silo is declared dead by the others).
/// </summary>
internal static class SiloCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var shards = new Option<string[]>("--shards") { Description = "Folders holding split datasets (`claims shard --out`); the silo serves shards inside them only", Required = true, AllowMultipleArgumentsPerToken = true };
        var siloPort = new Option<int>("--silo-port") { Description = "Port for silo-to-silo traffic", DefaultValueFactory = _ => 11111 };
        var gatewayPort = new Option<int>("--gateway-port") { Description = "Port clients connect to", DefaultValueFactory = _ => 30000 };
        var primary = new Option<int>("--primary-port") { Description = "Localhost membership: the silo port of the primary silo", DefaultValueFactory = _ => 11111 };
        var address = new Option<string>("--address") { Description = "The address other silos and clients reach this one at", DefaultValueFactory = _ => "127.0.0.1" };
        var cluster = new ClusterFlags();
        var execution = new ExecutionFlags();
        var command = new Command("silo", "Run one silo of a Claims cluster, serving shard grains over split datasets") { shards, siloPort, gatewayPort, primary, address };
        cluster.AddTo(command);
        execution.AddTo(command);
        command.SetAction(async (parse, cancellation) =>
        {
            var roots = new ShardRoots(parse.GetValue(shards)!);
            var settings = cluster.Settings(parse) with
            {
                SiloPort = parse.GetValue(siloPort),
                GatewayPort = parse.GetValue(gatewayPort),
                PrimarySiloPort = parse.GetValue(primary),
                Address = ClusterFlags.Address(parse.GetValue(address)!),
            };
            var options = execution.Options(parse);
            using var host = ClusterHosting.Silo(settings, roots, options);
            await host.StartAsync(cancellation);
            console.MarkupLineInterpolated($"silo ready: {settings.Address}:{settings.SiloPort} (gateway {settings.GatewayPort}) of cluster '{settings.ClusterId}', {settings.Membership} membership, serving shards under {string.Join(", ", roots.Folders)}");
            await host.WaitForShutdownAsync(cancellation);
            return 0;
        });
        return command;
    }
}
