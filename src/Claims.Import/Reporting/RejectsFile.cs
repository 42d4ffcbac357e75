using System.Text;
using Claims.Import.Reading;
using Claims.Import.Validation;

namespace Claims.Import.Reporting;

/// <summary>
/// The receipts that failed a check: their reasons as # lines, then their records as the file held them (in UTF-8), so the
/// custodian can correct and import them again. The records carry names and card numbers, so the file is readable
/// by its owner only (0600), as the input files should be.
/// </summary>
internal sealed class RejectsFile : IDisposable
{
    private readonly StreamWriter _writer;

    public RejectsFile(string path)
    {
        Path = path;
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        _writer = new StreamWriter(path, new UTF8Encoding(false), options) { NewLine = "\n" };
    }

    public string Path { get; }
    public int Receipts { get; private set; }

    public void Write(UkeReceipt receipt, IEnumerable<ValidationFailure> failures)
    {
        Receipts++;
        foreach (var failure in failures) _writer.WriteLine($"# {failure}");
        foreach (var record in receipt.Records) _writer.WriteLine(record.Text);
    }

    public void Dispose() => _writer.Dispose();
}
