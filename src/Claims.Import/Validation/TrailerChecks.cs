using System.Globalization;
using Claims.Import.Reading;

namespace Claims.Import.Validation;

/// <summary>The GO record against what the file holds: GO 1 the count of HO and KO records, 2 the total points.</summary>
internal static class TrailerChecks
{
    public static void Check(UkeFileRead file, long receiptPoints, List<ValidationFailure> failures)
    {
        var go = file.Trailer;
        var path = file.Facility.Path;
        var payers = file.RecordCounts.GetValueOrDefault(UkeRecordTypes.Insurer) + file.RecordCounts.GetValueOrDefault(UkeRecordTypes.PublicPayer);
        if (!long.TryParse(go[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count != payers)
            failures.Add(new ValidationFailure(path, go.Line, ValidationRule.GoCount, $"GO count '{go[1]}', but the file holds {payers:N0} HO and KO records"));
        if (!long.TryParse(go[2], NumberStyles.None, CultureInfo.InvariantCulture, out var total) || total != receiptPoints)
            failures.Add(new ValidationFailure(path, go.Line, ValidationRule.GoTotal, $"GO total points '{go[2]}', but the receipts' totals sum to {receiptPoints:N0}"));
    }
}
