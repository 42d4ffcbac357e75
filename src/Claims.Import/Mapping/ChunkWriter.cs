using Claims.Import.Reading;
using Claims.Import.Reporting;
using Claims.Import.Validation;

namespace Claims.Import.Mapping;

/// <summary>
/// Takes mapped chunks in file order: receipts that passed every check into the store, the others to the rejects
/// file, failures to the log (which stops everything under --strict), and at each file's end its GO checks and
/// report line. Runs on one thread, so receipt ids follow the files.
/// </summary>
internal sealed class ChunkWriter(StoreRows store, RejectsFile rejects, FailureLog log)
{
    private static readonly string[] s_notStored = [UkeRecordTypes.Eligibility, UkeRecordTypes.Comment, UkeRecordTypes.SymptomNote];
    private readonly Dictionary<string, int> _notStored = [];
    private FileTally _tally = new();

    public long Read { get; private set; }
    public long Imported { get; private set; }
    public long Points { get; private set; }
    public UnknownCodes Unknown { get; } = new();
    public List<UkeFileReport> Files { get; } = [];
    public IReadOnlyDictionary<string, int> NotStored => _notStored;

    public void Write(MappedChunk mapped)
    {
        Unknown.AddAll(mapped.Unknown);
        for (var i = 0; i < mapped.Receipts.Length; i++)
        {
            var (receipt, failures) = (mapped.Chunk.Receipts[i], mapped.Failures[i]);
            Read++;
            log.Add(failures);
            _tally.Add(receipt, mapped.Receipts[i].TotalPoints, failures.Count == 0);
            if (failures.Count == 0)
            {
                store.Add(++Imported, mapped.Receipts[i]);
                Points += mapped.Receipts[i].TotalPoints;
            }
            else rejects.Write(receipt, failures);
        }
        if (mapped.Chunk.End is { } file) EndFile(file);
    }

    private void EndFile(UkeFileRead file)
    {
        var trailer = new List<ValidationFailure>();
        TrailerChecks.Check(file, _tally.Points, trailer);
        log.Add(trailer);
        foreach (var type in s_notStored)
            if (file.RecordCounts.TryGetValue(type, out var n)) _notStored[type] = _notStored.GetValueOrDefault(type) + n;
        Files.Add(_tally.Report(file));
        _tally = new FileTally();
    }
}
