using Claims.Import.Reading;
using Claims.Import.Validation;

namespace Claims.Import.Mapping;

/// <summary>A chunk's receipts mapped and checked, each with its failures (none: it is stored), ready to be written in order.</summary>
internal sealed record MappedChunk(ReceiptChunk Chunk, MappedReceipt[] Receipts, List<ValidationFailure>[] Failures, UnknownCodes Unknown)
{
    public static MappedChunk Map(ReceiptChunk chunk, ReceiptMapper mapper)
    {
        var receipts = new MappedReceipt[chunk.Receipts.Count];
        var failures = new List<ValidationFailure>[receipts.Length];
        var unknown = new UnknownCodes();
        for (var i = 0; i < receipts.Length; i++)
        {
            var receipt = chunk.Receipts[i];
            failures[i] = [];
            receipts[i] = mapper.Map(receipt, failures[i], unknown);
            ReceiptChecks.Check(receipt.Facility.Path, receipts[i], failures[i]);
        }
        return new MappedChunk(chunk, receipts, failures, unknown);
    }
}
