using ParquetSharp;

namespace Claims.SyntheticGen.Output;

/// <summary>
/// DIR/truth/: who each receipt and checkup really belongs to, each person's life events and conditions. Tests,
/// linkage accuracy and model evaluation read it; it is never served to users. Written as Parquet, one row group
/// per chunk, into a temporary folder that replaces truth/ only after the dataset itself is published.
/// </summary>
public sealed class TruthWriter : IDisposable
{
    public const string Folder = "truth";
    public const string Staging = ".truth.tmp";

    private readonly string _directory;
    private readonly string _staging;
    private readonly ParquetFileWriter _receipts;
    private readonly ParquetFileWriter _checkups;
    private readonly ParquetFileWriter _persons;
    private readonly ParquetFileWriter _conditions;

    public TruthWriter(string datasetDirectory, IReadOnlyDictionary<string, string> metadata)
    {
        _directory = Path.Combine(datasetDirectory, Folder);
        _staging = Path.Combine(datasetDirectory, Staging);
        if (Directory.Exists(_staging)) Directory.Delete(_staging, recursive: true);
        Directory.CreateDirectory(_staging);
        _receipts = Open("receipts", metadata, new Column<long>("receipt_id"), new Column<int>("person_id"));
        _checkups = Open("checkups", metadata, new Column<long>("checkup_id"), new Column<int>("person_id"));
        _persons = Open("persons", metadata, new Column<int>("person_id"), new Column<sbyte>("sex"), new Column<Date>("birth_date"),
            new Column<sbyte>("prefecture"), new Column<int>("first_month"), new Column<int?>("death_month"), new Column<int>("identity_changes"));
        _conditions = Open("conditions", metadata, new Column<int>("person_id"), new Column<string>("condition"), new Column<int>("onset_month"),
            new Column<int?>("diagnosed_month"), new Column<bool>("treated"));
    }

    private ParquetFileWriter Open(string name, IReadOnlyDictionary<string, string> metadata, params Column[] columns) =>
        new(Path.Combine(_staging, name + ".parquet"), columns, Compression.Snappy, metadata);

    public void Append(ChunkTruth truth)
    {
        using (var group = _receipts.AppendRowGroup())
        {
            Write(group, truth.Receipts.Select(r => r.ReceiptId).ToArray());
            Write(group, truth.Receipts.Select(r => r.Person).ToArray());
        }
        using (var group = _checkups.AppendRowGroup())
        {
            Write(group, truth.Checkups.Select(r => r.CheckupId).ToArray());
            Write(group, truth.Checkups.Select(r => r.Person).ToArray());
        }
        using (var group = _persons.AppendRowGroup())
        {
            var persons = truth.Persons;
            Write(group, persons.Select(p => p.Person).ToArray());
            Write(group, persons.Select(p => p.Sex).ToArray());
            Write(group, persons.Select(p => new Date(p.Birth.Year, p.Birth.Month, p.Birth.Day)).ToArray());
            Write(group, persons.Select(p => p.Prefecture).ToArray());
            Write(group, persons.Select(p => p.FirstMonth).ToArray());
            Write(group, persons.Select(p => p.DeathMonth).ToArray());
            Write(group, persons.Select(p => p.IdentityChanges).ToArray());
        }
        using (var group = _conditions.AppendRowGroup())
        {
            var conditions = truth.Conditions;
            Write(group, conditions.Select(c => c.Person).ToArray());
            Write(group, conditions.Select(c => c.Condition).ToArray());
            Write(group, conditions.Select(c => c.OnsetMonth).ToArray());
            Write(group, conditions.Select(c => c.DiagnosedMonth).ToArray());
            Write(group, conditions.Select(c => c.Treated).ToArray());
        }
    }

    private static void Write<T>(RowGroupWriter group, T[] values)
    {
        using var writer = group.NextColumn().LogicalWriter<T>();
        writer.WriteBatch(values);
    }

    /// <summary>Closes the files and puts them in place of the previous truth/.</summary>
    public void Publish()
    {
        Close();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        Directory.Move(_staging, _directory);
    }

    private void Close()
    {
        foreach (var writer in new[] { _receipts, _checkups, _persons, _conditions }) writer.Close();
    }

    public void Dispose()
    {
        foreach (var writer in new[] { _receipts, _checkups, _persons, _conditions }) writer.Dispose();
        if (Directory.Exists(_staging)) Directory.Delete(_staging, recursive: true);
    }
}
