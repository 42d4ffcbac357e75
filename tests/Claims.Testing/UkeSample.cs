using System.Text;

namespace Claims.Testing;

/// <summary>
/// The real-format UKE sample kept with the import tests (tests/Claims.Import.Tests/Fixtures, from
/// shared/reference/uke), and larger files made from it for the tests and benchmarks that need many receipts.
/// </summary>
public static class UkeSample
{
    public static string Path => System.IO.Path.Combine(RepoPaths.Root, "tests", "Claims.Import.Tests", "Fixtures", "RECEIPTC_GAIRAI_SAMPLE.UKE");

    /// <summary>
    /// The sample's receipts <paramref name="copies"/> times in one file: receipt numbers run on, and GO's count and
    /// total are multiplied to match, so every check still holds. Only ASCII fields change, so the bytes stay CP932.
    /// </summary>
    public static long WriteRepeated(string destination, int copies)
    {
        var lines = File.ReadAllText(Path, Encoding.Latin1).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var body = lines[1..^1];
        var go = lines[^1].Split(',');
        var receipts = body.Count(l => l.StartsWith("RE,", StringComparison.Ordinal));
        using var writer = new StreamWriter(destination, false, Encoding.Latin1) { NewLine = "\r\n" };
        writer.WriteLine(lines[0]);
        for (var copy = 0; copy < copies; copy++)
        {
            foreach (var line in body)
            {
                if (!line.StartsWith("RE,", StringComparison.Ordinal))
                {
                    writer.WriteLine(line);
                    continue;
                }
                var fields = line.Split(',');
                fields[1] = (copy * receipts + int.Parse(fields[1])).ToString();
                writer.WriteLine(string.Join(',', fields));
            }
        }
        writer.WriteLine($"GO,{long.Parse(go[1]) * copies},{long.Parse(go[2]) * copies},{go[3]}");
        return 2 + (long)body.Length * copies;
    }
}
