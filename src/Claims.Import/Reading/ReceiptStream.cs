using System.Threading.Channels;

namespace Claims.Import.Reading;

/// <summary>A file read to its end: what the GO checks and the report need once its reader is gone.</summary>
internal sealed record UkeFileRead(UkeFacility Facility, UkeRecord Trailer, IReadOnlyDictionary<string, int> RecordCounts, int Lines);

/// <summary>Receipts of one file in file order; <see cref="End"/> is set on the file's last chunk.</summary>
internal sealed record ReceiptChunk(IReadOnlyList<UkeReceipt> Receipts, UkeFileRead? End);

/// <summary>
/// Reads the files on a thread of its own, one after the other, while the caller maps and writes: decoding and
/// splitting lines is about a third of an import's work, so the two cores share it. Order is the files' order, so
/// an import is the same on every run. Chunks are small and few are in flight (a few hundred receipts): receipts
/// then die before the collector's first generation fills, where 256-receipt chunks, eight deep, had them promoted
/// and doubled the time spent in garbage collection.
/// </summary>
internal sealed class ReceiptStream : IDisposable
{
    private const int ChunkReceipts = 64;
    private readonly Channel<ReceiptChunk> _chunks = Channel.CreateBounded<ReceiptChunk>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;

    public ReceiptStream(IReadOnlyList<string> files) => _reader = Task.Run(() => Read(files));

    /// <summary>The chunks as they are read; a file that cannot be read throws here, after the chunks before it.</summary>
    public IEnumerable<ReceiptChunk> Chunks()
    {
        foreach (var chunk in _chunks.Reader.ReadAllAsync().ToBlockingEnumerable()) yield return chunk;
        // The reader's own exception, not the channel's: it names the file and line.
        _reader.GetAwaiter().GetResult();
    }

    private void Read(IReadOnlyList<string> files)
    {
        try
        {
            foreach (var path in files)
            {
                using var file = new UkeFileReader(path);
                var chunk = new List<UkeReceipt>(ChunkReceipts);
                foreach (var receipt in file.Receipts())
                {
                    chunk.Add(receipt);
                    if (chunk.Count < ChunkReceipts) continue;
                    Write(new ReceiptChunk(chunk, null));
                    chunk = new List<UkeReceipt>(ChunkReceipts);
                }
                Write(new ReceiptChunk(chunk, new UkeFileRead(file.Facility, file.Trailer!, new Dictionary<string, int>(file.RecordCounts), file.Lines)));
            }
        }
        finally
        {
            _chunks.Writer.TryComplete();
        }
    }

    private void Write(ReceiptChunk chunk) => _chunks.Writer.WriteAsync(chunk, _stop.Token).AsTask().GetAwaiter().GetResult();

    /// <summary>Stops the reader (the caller gave up, e.g. on a strict failure) and waits for its files to close.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _reader.Wait();
        }
        catch (AggregateException)
        {
            // Its failure was either seen by Chunks or no longer matters: the import is already stopping.
        }
        _stop.Dispose();
    }
}
