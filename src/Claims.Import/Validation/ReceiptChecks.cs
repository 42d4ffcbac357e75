using Claims.Import.Mapping;

namespace Claims.Import.Validation;

/// <summary>The invariants every 医科 receipt keeps between its lines and its total.</summary>
internal static class ReceiptChecks
{
    public static void Check(string file, MappedReceipt receipt, List<ValidationFailure> failures)
    {
        long sum = 0;
        foreach (var line in receipt.Lines)
        {
            // A blank points field marks a line inside a bundle, whose points stand on the bundle's last line.
            if (line.Points is { } points) sum += (long)points * line.Times;
            if (line.DaySum != line.Times)
                failures.Add(new ValidationFailure(file, line.Line, ValidationRule.DayCounts,
                    $"the day columns sum to {line.DaySum}, but times is {line.Times}"));
        }
        if (receipt.TotalLine > 0 && sum != receipt.TotalPoints)
            failures.Add(new ValidationFailure(file, receipt.TotalLine, ValidationRule.PointsTotal,
                $"Σ(points × times) over the receipt's SI/IY/TO lines is {sum:N0}, but the total is {receipt.TotalPoints:N0}"));
    }
}
