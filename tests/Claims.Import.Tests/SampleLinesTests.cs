using Claims.Engine.Storage;
using Claims.Testing;

namespace Claims.Import.Tests;

/// <summary>
/// Every SI and IY line of the sample, as stored, against the same lines read straight from the file's text by
/// the layout (診療識別 carried down from a group's first line, a blank points field stored as NULL).
/// </summary>
public sealed class SampleLinesTests : IDisposable
{
    private readonly TempDirectory _temp = new("uke-lines");

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("procedures", "SI")]
    [InlineData("drugs", "IY")]
    public void Stored_lines_are_the_file_s_lines_in_order(string table, string record)
    {
        UkeImporter.Run(new UkeImportOptions { Inputs = [UkeSample.Path], Out = _temp.Combine("ds"), SaltFile = _temp.Combine("salt.key") });
        var expected = new List<(long Receipt, int? Shikibetsu, string Code, int? Points, int Times)>();
        long receipt = 0;
        int? shikibetsu = null;
        foreach (var fields in File.ReadAllLines(UkeSample.Path, UkeText.Cp932).Select(l => l.Split(',')))
        {
            if (fields[0] == "RE") (receipt, shikibetsu) = (receipt + 1, null);
            if (fields[0] is not ("SI" or "IY" or "TO")) continue;
            if (fields[1].Length > 0) shikibetsu = int.Parse(fields[1]);
            if (fields[0] == record)
                expected.Add((receipt, shikibetsu, fields[3], fields[5].Length > 0 ? int.Parse(fields[5]) : null, int.Parse(fields[6])));
        }

        using var dataset = Dataset.Open(_temp.Combine("ds"));
        var partition = Assert.Single(dataset.Table(table).Partitions);
        var actual = Enumerable.Range(0, partition.RowCount).Select(r => (
            partition.Column("receipt_id").Values<long>()[r],
            partition.Column("shinryo_shikibetsu").IsNull(r) ? (int?)null : partition.Column("shinryo_shikibetsu").Values<sbyte>()[r],
            (string)partition.Column("code").GetValue(r)!,
            partition.Column("points").IsNull(r) ? (int?)null : partition.Column("points").Values<int>()[r],
            (int)partition.Column("times").Values<short>()[r])).ToList();
        Assert.Equal(expected, actual);
        Assert.Contains(expected, e => e.Points is null);
        // A patient per receipt's lines: line tables carry their receipt's patient after linkage.
        Assert.All(Enumerable.Range(0, partition.RowCount), r => Assert.False(partition.Column("patient_id").IsNull(r)));
    }
}
