using Claims.Engine.Cohorts;
using Claims.Engine.Storage;

namespace Claims.Testing;

/// <summary>
/// Two cohort definitions a few patients apart, found without filtering by an identifying column (which restricted
/// data refuses): everyone with a claim under an age, and the same plus those of that age in one prefecture, for
/// the first prefecture whose addition is 1 to 9 patients. For the tests of differencing refusals on extracts.
/// </summary>
public static class CloseCohorts
{
    public static (string Narrow, string Wider, string Far) Find(Dataset dataset)
    {
        foreach (var age in new[] { 40, 50, 60, 30, 70 })
        {
            var narrow = Definition($"under {age}", $$"""{"col": "age", "lt": {{age}}}""");
            var count = dataset.BuildCohort(narrow).Count;
            for (var prefecture = 1; prefecture <= 47; prefecture++)
            {
                var wider = Definition($"under {age} and {age} in {prefecture}",
                    $$"""{"or": [{"col": "age", "lt": {{age}}}, {"and": [{"col": "age", "eq": {{age}}}, {"col": "prefecture", "eq": {{prefecture}}}]}]}""");
                if (dataset.BuildCohort(wider).Count - count is >= 1 and <= 9)
                    return (narrow, wider, Definition($"under {age + 10}", $$"""{"col": "age", "lt": {{age + 10}}}"""));
            }
        }
        throw new InvalidOperationException("no two cohorts 1 to 9 patients apart in this dataset");
    }

    private static string Definition(string name, string where) =>
        $$$"""{"name": "{{{name}}}", "entry": {"table": "receipts", "where": {{{where}}}}}""";
}
