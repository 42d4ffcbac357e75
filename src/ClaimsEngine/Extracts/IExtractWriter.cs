namespace Claims.Engine.Extracts;

/// <summary>Writes one table's extract file batch by batch; <see cref="Complete"/> finishes the file (footer, flush).</summary>
internal interface IExtractWriter : IDisposable
{
    void Write(ExtractBatch batch);
    void Complete();
}

internal static class ExtractWriters
{
    public static IExtractWriter Create(ExtractFormat format, string path, ExtractBatch batch, IReadOnlyDictionary<string, string> metadata) => format switch
    {
        ExtractFormat.Parquet => new ParquetExtractWriter(path, batch, metadata),
        ExtractFormat.Arrow => new ArrowExtractWriter(path, batch, metadata),
        ExtractFormat.Csv => new CsvExtractWriter(path, batch),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };
}
