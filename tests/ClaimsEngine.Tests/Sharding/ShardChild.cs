using Claims.Engine.Sharding;
using Claims.Engine.Storage;

namespace Claims.Engine.Tests.Sharding;

/// <summary>`shard DATASET OUT N` in a child process, where the test sets the limit of open files.</summary>
internal static class ShardChild
{
    public const string Verb = "shard";

    public static int Run(string[] args)
    {
        using var dataset = Dataset.Open(args[1]);
        DatasetShards.Write(dataset, args[2], int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));
        return 0;
    }
}
