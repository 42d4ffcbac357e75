using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Claims.Cluster.Grains;

/// <summary>
/// Shards spread evenly over the silos: shard-NN goes to the NN-th silo (by address, modulo their count) of those
/// alive when it is activated. Shards are alike in size, so an even count is an even share of the scanning; random
/// or load-based placement put five of six shards on one silo of three in the benchmark's runs. A silo lost, its
/// shards are activated again over the survivors by the same rule; a silo added takes its share of new activations.
/// </summary>
[Serializable]
public sealed class ShardPlacement : PlacementStrategy;

/// <summary>Places <see cref="ShardGrain"/> by <see cref="ShardPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ShardPlacementAttribute() : PlacementAttribute(new ShardPlacement());

internal sealed class ShardPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target).OrderBy(s => s.ToParsableString(), StringComparer.Ordinal).ToArray();
        return Task.FromResult(silos[(int)(Number(target.GrainIdentity.Key.ToString()) % (uint)silos.Length)]);
    }

    /// <summary>The shard's number from its folder's name (shard-07: 7); a folder named otherwise by a stable hash of its key.</summary>
    private static uint Number(string key)
    {
        var name = Path.GetFileName(key.Contains('#') ? key[..key.LastIndexOf('#')] : key);
        return name.StartsWith("shard-", StringComparison.Ordinal) && uint.TryParse(name.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(key));
    }
}
