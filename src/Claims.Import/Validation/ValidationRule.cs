namespace Claims.Import.Validation;

/// <summary>The checks an import makes; each failure names one, and the report counts failures per rule.</summary>
internal enum ValidationRule
{
    /// <summary>Σ(points × times) over the SI/IY/TO lines with points equals the HO total (KO where there is no HO).</summary>
    PointsTotal,

    /// <summary>The 31 day columns of an SI/IY/TO line sum to its times.</summary>
    DayCounts,

    /// <summary>GO's total points equal the sum of the file's receipt totals.</summary>
    GoTotal,

    /// <summary>GO's count equals the file's HO and KO records.</summary>
    GoCount,

    /// <summary>Every date and month is a real one in the file's convention.</summary>
    Date,

    /// <summary>A field a receipt cannot be stored without is missing or malformed (sex, receipt type, a code, times).</summary>
    Field,

    /// <summary>A receipt has an HO or KO record to take its payer and total from.</summary>
    Payer,
}

internal static class ValidationRules
{
    public static string Name(this ValidationRule rule) => rule switch
    {
        ValidationRule.PointsTotal => "points-total",
        ValidationRule.DayCounts => "day-counts",
        ValidationRule.GoTotal => "go-total",
        ValidationRule.GoCount => "go-count",
        ValidationRule.Date => "date",
        ValidationRule.Field => "field",
        ValidationRule.Payer => "payer",
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, null),
    };
}
