using System.Globalization;
using Claims.Engine.Cohorts;
using Claims.Engine.Sharding;
using Claims.Engine.Storage;

namespace Claims.Engine.Privacy;

/// <summary>
/// A sum over the patients of one of a release's sets (<see cref="PatientSums.Release(Dataset, DisclosureRequest, string, string, IReadOnlyList{Func{PatientSet}}, IReadOnlyList{PatientSum})"/>):
/// one value per patient, each counted only up to <paramref name="Scale"/> in magnitude, named by what it sums.
/// </summary>
public sealed record PatientSum(int Set, string Name, Func<IEnumerable<double>> Values, double Scale);

/// <summary>Counts of patient sets and sums over them as they may leave a dataset (null where the set is suppressed), with the rules and the budget left.</summary>
public sealed record ReleasedFigures(IReadOnlyList<long?> Counts, IReadOnlyList<double?> Sums, IReadOnlyList<string> Rules, string? Budget);

/// <summary>
/// Sums of per-patient amounts over patient sets (a model's errors and observed quantities over its test members and
/// deciles), released as a query's sums are: each patient's amount clipped to a scale fixed before any cell is read
/// (a column's <see cref="ContributionCap"/> over a stretch of months, or its square), moved by a Laplace draw of <see cref="MagnitudeNoise.Width"/>
/// times that scale keyed by the set's patients, the name and the true sum, and shown only where the set's own count
/// is (<see cref="PatientCounts"/>). A patient there or not moves how likely any released sum is by at most
/// e^(1/1.4) ≈ 2.04; each set and each sum costs one unit of the project's budget.
/// </summary>
/// <remarks>
/// The draw is keyed by the true sum, not kept per cell as a query's named figure is: one set of test members is
/// summed over by every model asked of it, whose errors differ, so a figure kept by the first would be wrong for the
/// rest; and the same model's same sum over the same patients still gets the same answer however often asked.
/// </remarks>
public static class PatientSums
{
    /// <summary>The standard deviation of a released sum's noise, as a multiple of its scale.</summary>
    public static double Spread => MagnitudeNoise.Spread;

    /// <summary>
    /// The most one patient is counted as adding to a sum of <paramref name="column"/> of <paramref name="table"/>: the
    /// 99th percentile of the patients' totals of it over the dataset's last <paramref name="months"/> months (as a
    /// query's sum of it over a period of that length is capped), at least one, rounded up to two significant figures. The months are the data's last, never
    /// a cell's: a cap read over a cell's own months or members would say by its size who was there.
    /// </summary>
    public static double Cap(Dataset dataset, string table, string column, int months)
    {
        var schema = dataset.Schema.Table(table);
        var last = dataset.Last(months);
        return Coarse(ContributionCap.Of(last, schema, schema.Column(column), ReleaseUnit.Of(last, schema)));
    }

    /// <summary><see cref="Cap(Dataset, string, string, int)"/> over a split dataset: its shards' sampled totals, as a query's sum there is capped.</summary>
    public static double Cap(ShardedDataset dataset, string table, string column, int months, CancellationToken cancellationToken = default)
    {
        var schema = dataset.Schema.Table(table);
        return Coarse(dataset.Last(months).For($"cap {table}.{column}").Cap(schema, schema.Column(column), ReleaseUnit.Of(dataset.Describing, schema), cancellationToken));
    }

    /// <summary>
    /// The cap rounded up to two significant figures: a released figure's noise gives its scale, and the percentile
    /// itself is one patient's exact total (attack review 57 read 374,383 from a report).
    /// </summary>
    private static double Coarse(double cap)
    {
        var step = Math.Pow(10, Math.Max(0, Math.Floor(Math.Log10(cap)) - 1));
        return Math.Ceiling(cap / step) * step;
    }

    /// <summary><see cref="Release(Dataset, DisclosureRequest, string, string, IReadOnlyList{Func{PatientSet}}, IReadOnlyList{PatientSum})"/> over a split dataset's patients, keyed as the unsplit dataset's.</summary>
    public static ReleasedFigures Release(ShardedDataset dataset, DisclosureRequest request, string kind, string label,
        IReadOnlyList<Func<PatientSet>> sets, IReadOnlyList<PatientSum> sums) => Release(dataset.Describing, request, kind, label, sets, sums);

    /// <summary>
    /// Releases the count of each of <paramref name="sets"/> as <see cref="PatientCounts"/> does, and each of
    /// <paramref name="sums"/> over its set's patients; exact (and unclipped) on a public dataset.
    /// </summary>
    public static ReleasedFigures Release(Dataset dataset, DisclosureRequest request, string kind, string label,
        IReadOnlyList<Func<PatientSet>> sets, IReadOnlyList<PatientSum> sums)
    {
        foreach (var sum in sums)
        {
            if (sum.Set < 0 || sum.Set >= sets.Count) throw new ArgumentOutOfRangeException(nameof(sums), $"sum '{sum.Name}' is over set {sum.Set} of {sets.Count}");
            if (!(sum.Scale > 0) || !double.IsFinite(sum.Scale)) throw new ArgumentOutOfRangeException(nameof(sums), $"sum '{sum.Name}' has scale {sum.Scale}: a scale is a positive number");
        }
        if (dataset.Manifest.Access == DatasetAccess.Public)
            return new ReleasedFigures(sets.Select(set => (long?)set().Count).ToArray(), sums.Select(s => (double?)s.Values().Sum()).ToArray(), [], null);
        var keys = request.Ledger.KeysFor(dataset, request.Project);
        var ((counts, released), spend) = request.Ledger.Release<(long?[] Counts, double?[] Sums)>(request, keys, kind, label, history =>
        {
            var counts = new long?[sets.Count];
            var cellKeys = new uint[sets.Count];
            for (var i = 0; i < counts.Length; i++)
            {
                var patients = sets[i]();
                cellKeys[i] = keys.CellKey(patients);
                counts[i] = PatientCounts.Show(history, request.Policy, keys, patients, position: 1);
            }
            var released = sums.Select(sum => counts[sum.Set] is null ? null
                : (double?)new CellPerturbation(request.Policy, keys, cellKeys[sum.Set], position: 1).Sum(Keyed(sum), new Magnitude(Clipped(sum), 0, sum.Scale), whole: false)).ToArray();
            return ((counts, released), (PatientSet?)null, counts.Length + released.Length);
        });
        return new ReleasedFigures(counts, released, [.. PatientCounts.Rules(request.Policy, "each count"), Rule], DisclosureRules.Budget(request.Project, spend));
    }

    internal const string Rule = "sums: each member's amount counts only up to a cap fixed before any member is read (for a quantity, the 99th percentile of patients' totals over the data's last months as many as its window's; for its errors, that cap or its square), " +
        "and every sum, and every mean, error and share of variance made from sums, moves by a Laplace draw of about twice that cap; a sum is shown only where its members' count is";

    /// <summary>
    /// The name a sum's draw is keyed by: its own and its scale's. A draw shared by two scales cancelled: one sum of the
    /// same members released at two caps (two windows' lengths, every window past the end of the data) is S − 1.4·c₁·L
    /// and S − 1.4·c₂·L, which give S exactly (attack review 57: one person's points to within 11 of 15,694, for
    /// 1,312 units of the budget).
    /// </summary>
    private static string Keyed(PatientSum sum) => string.Create(CultureInfo.InvariantCulture, $"{sum.Name} at scale {sum.Scale:R}");

    private static double Clipped(PatientSum sum)
    {
        double total = 0;
        foreach (var value in sum.Values()) total += Math.Clamp(value, -sum.Scale, sum.Scale);
        return total;
    }
}
