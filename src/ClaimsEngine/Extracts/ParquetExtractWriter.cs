using Claims.Engine.Storage;
using ParquetSharp;

namespace Claims.Engine.Extracts;

/// <summary>An extract as Parquet (Snappy), one row group per batch, with the dataset's provenance as key-value metadata.</summary>
internal sealed class ParquetExtractWriter(string path, ExtractBatch batch, IReadOnlyDictionary<string, string> metadata) : IExtractWriter
{
    private readonly ParquetFileWriter _writer = ParquetFiles.Create(path, batch.Columns.Select(c => c.Name).ToArray(), batch.Buffers, metadata);

    public void Write(ExtractBatch batch) => ParquetFiles.WriteRowGroup(_writer, batch.Buffers, batch.Count);

    public void Complete() => _writer.Close();

    public void Dispose() => _writer.Dispose();
}
