using System.Text;
using Claims.Engine;
using Claims.Engine.Storage;

namespace Claims.Import.Tests;

/// <summary>A file that cannot be read whole stops the import and leaves the folder as it was.</summary>
public sealed class PublishTests : IDisposable
{
    private readonly ImportFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    public static TheoryData<string, string[], string> Unreadable() => new()
    {
        { "a DPC record", [.. UkeText.Valid()[..4], "BU,010010xx99000x,20240301,,", .. UkeText.Valid()[4..]], ":5: structure: record type 'BU' is a DPC record" },
        { "a 医科 record not mapped yet", [.. UkeText.Valid()[..3], "JD,1,1,,,", .. UkeText.Valid()[3..]], ":4: structure: record type 'JD' (受診日等) is a 医科 record this importer does not map yet" },
        { "an unknown record", [.. UkeText.Valid()[..3], "ZZ,1", .. UkeText.Valid()[3..]], ":4: structure: record type 'ZZ' is not one this importer reads" },
        { "no GO", UkeText.Valid()[..^1], ":13: structure: no GO record at the end: the file is truncated" },
        { "records after GO", [.. UkeText.Valid(), "SI,11,1,111000110,,288,1"], ":15: structure: 'SI' after the GO record" },
        { "no IR", UkeText.Valid()[1..], ":1: structure: the file starts with 'RE', not an IR record" },
        { "a dental file", ["IR,1,13,3,1234567,,テスト歯科,202404,00,0312345678", .. UkeText.Valid()[1..]], ":1: structure: IR fee table (点数表) '3' is not 1 (医科)" },
    };

    [Theory]
    [MemberData(nameof(Unreadable))]
    public void An_unreadable_file_leaves_the_previous_dataset_published(string what, string[] lines, string error)
    {
        _ = what;
        var first = _fixture.Import(_fixture.Write("GOOD.UKE", UkeText.Valid()));
        var manifest = File.ReadAllText(Path.Combine(_fixture.Out, DatasetManifest.FileName));
        var bad = _fixture.Write("BAD.UKE", lines);

        var thrown = Assert.Throws<ClaimsException>(() => _fixture.Import(bad));

        Assert.StartsWith(bad + error, thrown.Message);
        Assert.Equal(manifest, File.ReadAllText(Path.Combine(_fixture.Out, DatasetManifest.FileName)));
        Assert.False(Directory.Exists(Path.Combine(_fixture.Out, UkeImporter.ReportFolder + ".tmp")));
        Assert.Contains("\"receiptsImported\": 2", File.ReadAllText(Path.Combine(_fixture.Out, UkeImporter.ReportFolder, "report.json")));
        using var dataset = Dataset.Open(_fixture.Out, ChecksumVerification.AtOpen);
        Assert.Equal(first.ReceiptsImported, dataset.Table("receipts").RowCount);
    }

    [Fact]
    public void A_byte_that_is_not_cp932_is_named_with_its_line()
    {
        // 0xFF is no trail byte in code page 932; put it into the second receipt's name.
        var path = WriteValidWith(0xFF, 20);

        var thrown = Assert.Throws<ClaimsException>(() => _fixture.Import(path));

        // The lead byte of 藤 now stands before 0xFF, and the pair is named together.
        Assert.StartsWith($"{path}:10: encoding: 0x93 0xFF at byte ", thrown.Message);
        Assert.False(File.Exists(Path.Combine(_fixture.Out, DatasetManifest.FileName)));
    }

    [Fact]
    public void An_end_of_file_byte_before_the_end_is_refused()
    {
        var path = WriteValidWith(0x1A, 2);

        var thrown = Assert.Throws<ClaimsException>(() => _fixture.Import(path));

        Assert.Equal($"{path}:10: encoding: the end-of-file byte 0x1A stands inside the line", thrown.Message);
    }

    /// <summary>The valid file with one byte overwritten, <paramref name="offset"/> bytes into the second receipt's RE line (line 10).</summary>
    private string WriteValidWith(byte value, int offset)
    {
        var path = _fixture.Write("BAD.UKE", UkeText.Valid());
        var bytes = File.ReadAllBytes(path);
        bytes[Encoding.Latin1.GetString(bytes).IndexOf("RE,2,", StringComparison.Ordinal) + offset] = value;
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void The_salt_file_is_made_readable_by_its_owner_only_and_reused()
    {
        _fixture.Import(_fixture.Write("GOOD.UKE", UkeText.Valid()));
        var salt = File.ReadAllText(_fixture.Salt);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_fixture.Salt));

        _fixture.Import(_fixture.Write("GOOD.UKE", UkeText.Valid()));

        Assert.Equal(salt, File.ReadAllText(_fixture.Salt));
        Assert.Equal(64, salt.Trim().Length);
    }
}
