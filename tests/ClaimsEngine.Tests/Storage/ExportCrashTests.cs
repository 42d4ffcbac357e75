using Claims.Engine.Storage;
using Claims.Testing;
using DuckDB.NET.Data;

namespace Claims.Engine.Tests.Storage;

public class ExportCrashTests
{
    /// <summary>
    /// An export into a folder holding an earlier export is killed after each of a few files is staged: the
    /// earlier export stays byte for byte what it was and nothing of the new one shows beside it; the next export
    /// removes what the killed one left and writes the new dataset whole.
    /// </summary>
    [Fact]
    public void An_export_killed_mid_write_leaves_the_previous_export_intact_and_the_next_removes_its_leftovers()
    {
        using var temp = new TempDirectory();
        var first = new RandomDataset { Seed = 41, Months = 2, RowsPerPartition = 600 };
        first.Write(temp.Combine("first"));
        var second = new RandomDataset { Seed = 42, Months = 3, RowsPerPartition = 700 };
        second.Write(temp.Combine("second"));
        var output = temp.Combine("out");
        using (var dataset = Dataset.Open(temp.Combine("first"))) ParquetExport.Write(dataset, output);
        var previous = Snapshot(output);

        // 7 tables × 3 months of files: the first, one in the middle, the last before the moves.
        foreach (var target in new[] { "staged receipts/202304.parquet", "staged drugs/202305.parquet", "staged checkups/202306.parquet" })
        {
            Assert.True(CrashTests.RunUntil([CrashWriterProgram.ExportVerb, temp.Combine("second"), output], target,
                atKill: () => Assert.Single(Directory.GetDirectories(output, ".export-*.tmp"))), $"the export never printed '{target}'");
            Assert.Equal(previous, Snapshot(output));
        }

        Assert.NotEmpty(Directory.GetDirectories(output, ".export-*.tmp"));
        using (var dataset = Dataset.Open(temp.Combine("second"))) ParquetExport.Write(dataset, output);
        Assert.Empty(Directory.GetDirectories(output, ".export-*.tmp"));
        using var duck = new DuckDBConnection("DataSource=:memory:");
        duck.Open();
        foreach (var ((table, month), rows) in second.Rows)
        {
            using var command = duck.CreateCommand();
            command.CommandText = $"SELECT count(*) FROM read_parquet('{Path.Combine(output, table, month + ".parquet")}')";
            Assert.Equal(rows.Count, Convert.ToInt32(command.ExecuteScalar()));
        }
        Assert.Equal(second.Rows.Count, Directory.GetFiles(output, "*.parquet", SearchOption.AllDirectories).Length);
    }

    /// <summary>Every visible file of an export folder (staging folders aside) with its contents' hash.</summary>
    private static Dictionary<string, string> Snapshot(string directory) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(directory, f).StartsWith(".export-", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(directory, f), f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));
}
