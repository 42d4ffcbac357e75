using Claims.Engine;
using Claims.Engine.Storage;

namespace Claims.Import.Tests;

/// <summary>Each check failing on a crafted file: the failure names file:line and the rule, with and without --strict.</summary>
public sealed class ValidationTests : IDisposable
{
    private readonly ImportFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private static readonly string[] s_valid = UkeText.Valid();

    /// <summary>A broken copy of the valid file, the line the failure must name, its rule, and whether a receipt is rejected for it.</summary>
    public static TheoryData<string, string[], int, bool> Broken() => new()
    {
        // HO total 200 where the lines make 196; GO follows the receipt totals so only one rule fails.
        { "points-total", Set(UkeText.Replace(s_valid, "HO,", "HO,06130012,１２３,４５６,2,200,,,,,,,,,"), "GO,", "GO,2,488,99"), 3, true },
        { "day-counts", UkeText.Replace(s_valid, "SI,12,", UkeText.Item("SI", "12", "112007410", 73, 2, 4)), 6, true },
        { "go-total", UkeText.Replace(s_valid, "GO,", "GO,2,999,99"), 14, false },
        { "go-count", UkeText.Replace(s_valid, "GO,", "GO,3,484,99"), 14, false },
        { "date", UkeText.Replace(s_valid, "RE,1,", UkeText.Re(1, "1112", "202403", "山田　太郎", 1, "19801332", "ヤマダ　タロウ")), 2, true },
        { "field", UkeText.Replace(s_valid, "RE,1,", UkeText.Re(1, "1112", "202403", "山田　太郎", 3, "19800505", "ヤマダ　タロウ")), 2, true },
        { "payer", Set(s_valid.Where(l => !l.StartsWith("KO,")).ToArray(), "GO,", "GO,1,196,99"), 10, true },
    };

    private static string[] Set(string[] lines, string prefix, string replacement) => UkeText.Replace(lines, prefix, replacement);

    [Theory]
    [MemberData(nameof(Broken))]
    public void A_failed_check_is_named_counted_and_its_receipt_rejected_with_the_reason(string rule, string[] lines, int line, bool rejects)
    {
        var file = _fixture.Write("BROKEN.UKE", lines);

        var report = _fixture.Import(file);

        Assert.Equal(1, report.FailuresByRule[rule]);
        Assert.Equal(1, report.FailuresByRule.Values.Sum());
        var failure = Assert.Single(report.Failures);
        Assert.StartsWith($"{file}:{line}: {rule}: ", failure);
        Assert.Equal(rejects ? 1 : 0, report.ReceiptsRejected);
        Assert.Equal(rejects ? 1 : 2, report.ReceiptsImported);
        using (var dataset = Dataset.Open(_fixture.Out))
            Assert.Equal(report.ReceiptsImported, dataset.Table("receipts").RowCount);
        if (!rejects)
        {
            Assert.Null(report.RejectsFile);
            return;
        }
        var rejected = File.ReadAllLines(report.RejectsFile!);
        Assert.Equal($"# {failure}", rejected[0]);
        Assert.StartsWith("RE,", rejected[1]);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(report.RejectsFile!));
    }

    [Theory]
    [MemberData(nameof(Broken))]
    public void Strict_mode_stops_at_the_failure_and_publishes_nothing(string rule, string[] lines, int line, bool rejects)
    {
        _ = rejects;
        var file = _fixture.Write("BROKEN.UKE", lines);

        var error = Assert.Throws<ClaimsException>(() => _fixture.Import(file, strict: true));

        Assert.StartsWith($"{file}:{line}: {rule}: ", error.Message);
        Assert.Contains("--strict", error.Message);
        Assert.False(File.Exists(Path.Combine(_fixture.Out, DatasetManifest.FileName)));
        Assert.False(Directory.Exists(Path.Combine(_fixture.Out, UkeImporter.ReportFolder)));
    }

    [Fact]
    public void The_valid_file_passes_strict_mode()
    {
        var report = _fixture.Import(_fixture.Write("VALID.UKE", s_valid), strict: true);

        Assert.Equal(2, report.ReceiptsImported);
        Assert.Equal(0, report.FailuresByRule.Values.Sum());
    }

    [Fact]
    public void A_code_no_master_holds_is_listed_with_its_count_and_kept()
    {
        var lines = UkeText.Replace(s_valid, "SI,11,", UkeText.Item("SI", "11", "199999999", 288, 1, 2));

        var report = _fixture.Import(_fixture.Write("UNKNOWN.UKE", lines), strict: true);

        Assert.Equal(2, report.ReceiptsImported);
        Assert.Equal(new UnknownCode("procedures", "199999999", 1), Assert.Single(report.UnknownCodes));
    }
}
