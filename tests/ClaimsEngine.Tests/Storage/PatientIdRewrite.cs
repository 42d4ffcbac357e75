using Claims.Engine.Storage;
using Claims.Testing;

namespace Claims.Engine.Tests.Storage;

/// <summary>
/// A known column rewrite for the rewriter's tests and its crash child: patient_id of receipts and diagnoses in
/// every month replaced by values derived from a seed (every 11th row null, so validity is rewritten too).
/// </summary>
internal static class PatientIdRewrite
{
    public const string Parameter = "rewrite";
    public static readonly string[] Tables = ["receipts", "diagnoses"];

    public static int? Value(int seed, int row) => row % 11 == 3 ? null : seed * 100_000 + row;

    /// <summary>Rewrites and commits; <paramref name="afterColumn"/> runs after each column file is fully appended.</summary>
    public static DatasetManifest Run(string directory, int seed, IProgress<WriteStage>? progress = null, Action<string>? afterColumn = null)
    {
        using var rewriter = DatasetRewriter.Open(directory, progress: progress);
        foreach (var table in Tables)
        {
            foreach (var partition in rewriter.Current.Tables.Single(t => t.Name == table).Partitions)
            {
                var rows = checked((int)partition.RowCount);
                var values = Enumerable.Range(0, rows).Select(r => Value(seed, r) ?? 0).ToArray();
                var nulls = Enumerable.Range(0, rows).Select(r => Value(seed, r) is null).ToArray();
                var replacement = rewriter.Replace(table, partition.Key, "patient_id");
                // Two appends, so a replacement is streamed as the linker streams line tables.
                var half = rows / 2;
                replacement.Append<int>(values.AsSpan(0, half), nulls.AsSpan(0, half));
                replacement.Append<int>(values.AsSpan(half), nulls.AsSpan(half));
                afterColumn?.Invoke($"column {table}/{partition.Key}");
            }
        }
        return rewriter.Commit(new Dictionary<string, string> { [Parameter] = seed.ToString() });
    }

    /// <summary>The rows <paramref name="source"/> holds after a rewrite with <paramref name="seed"/>.</summary>
    public static RandomDataset Expected(RandomDataset source, int seed)
    {
        var expected = new RandomDataset { Seed = source.Seed, FirstMonth = source.FirstMonth, Months = source.Months, RowsPerPartition = source.RowsPerPartition };
        var schema = Engine.Schema.ClaimsSchema.Default;
        foreach (var ((table, month), rows) in source.Rows)
        {
            var column = Tables.Contains(table) ? schema.Table(table).IndexOf("patient_id") : -1;
            expected.Rows[(table, month)] = rows.Select((row, r) =>
            {
                if (column < 0) return row;
                var copy = (object?[])row.Clone();
                copy[column] = Value(seed, r);
                return copy;
            }).ToList();
        }
        return expected;
    }
}
