using System.Globalization;
using Claims.Engine;
using Claims.Engine.Cohorts;
using Claims.Engine.Privacy;
using Claims.Engine.Sharding;
using Claims.Engine.Storage;
using Claims.Modelling.Evaluation;
using Claims.Modelling.Features;
using Claims.Modelling.Reports;
using Claims.Modelling.Spec;

namespace Claims.Modelling.Disclosure;

/// <summary>
/// What a model trained on restricted data may release, decided as queries and cohorts are and more:
/// <list type="bullet">
/// <item>ante hoc, a tree may not have leaves of fewer members than the threshold (a leaf's value describes its members);</item>
/// <item>the population, and its members with the outcome in each half, may not be a few patients from anything the
/// project was shown before (two reports a patient apart, or one patient's label apart, tell that patient's part), and
/// are recorded once the budget has paid for the counts and every refusal has passed;</item>
/// <item>every count in the report (population, calibration deciles) is a count of its own patients as released
/// (<see cref="PatientCounts"/>), and every refusal is decided on those released counts, so that an empty
/// population and one of a few are refused alike; whether a 0/1 feature is common enough to keep is decided on its
/// count as released, never on the exact count, which an analyst could find by moving <c>minMembers</c> one at a time;</item>
/// <item>the test set must hold <see cref="MinimumTestMembers"/> members as released, and every metric is rounded to
/// <see cref="Decimals"/> places, so that no metric resolves one member's outcome nor, by the fraction it is, the exact
/// numbers of test members with and without the outcome;</item>
/// <item>the fitted model itself (model.zip, model.onnx) is not released: its parameters are exact aggregates of the
/// training members (a logistic model's normaliser holds each 0/1 feature's exact count; a tree's leaf values, with
/// one tree of two leaves and no regularisation, its leaves' exact outcomes), which no rule on the report reaches
/// (attack review 27). The membership-inference attack is still run and reported.</item>
/// </list>
/// On synthetic (public) data it changes nothing: figures are exact and the model is written.
/// </summary>
internal sealed class ModelDisclosure
{
    public const int MinimumTestMembers = 1_000;
    public const int Decimals = 3;

    /// <summary>
    /// The most one member's admissions in an outcome window count in a released figure: fixed, so that no member's
    /// data set it (a cap read from the population's own quantities would say by its size that a heavy member was
    /// there, as a sum's noise sized by its cell did: attack review 23), and above what nearly every member has.
    /// </summary>
    public const double AdmissionsCap = 4;

    private readonly Func<string, IReadOnlyList<Func<PatientSet>>, PatientSet?, ReleasedCounts> _release;
    private readonly Func<string, IReadOnlyList<Func<PatientSet>>, IReadOnlyList<PatientSum>, ReleasedFigures> _figures;
    private readonly Func<double> _cap;
    private readonly bool _quantity;
    private readonly DisclosureRequest _request;
    private readonly string _label;
    private readonly List<string> _rules = [];
    private string? _budget;

    private ModelDisclosure(Func<string, IReadOnlyList<Func<PatientSet>>, PatientSet?, ReleasedCounts> release,
        Func<string, IReadOnlyList<Func<PatientSet>>, IReadOnlyList<PatientSum>, ReleasedFigures> figures, Func<double> cap, bool quantity, DisclosureRequest request, string label)
    {
        (_release, _figures, _cap, _quantity, _request, _label) = (release, figures, cap, quantity, request, label);
    }

    /// <summary>
    /// The rules for training <paramref name="spec"/> on <paramref name="dataset"/>: null on public data (nothing to
    /// apply); on restricted data a project is needed, and a spec whose training regime would describe a few
    /// members is refused before anything runs.
    /// </summary>
    public static ModelDisclosure? For(Dataset dataset, ModelSpec spec, DisclosureRequest? request) =>
        For(dataset.Manifest.Access, dataset.Directory, spec, request, (kind, sets, recorded) => PatientCounts.Release(dataset, request!, kind, spec.Name, sets, recorded),
            (kind, sets, sums) => PatientSums.Release(dataset, request!, kind, spec.Name, sets, sums), () => PatientSums.Cap(dataset, "receipts", "total_points", spec.Outcome.Window.Length));

    /// <summary><see cref="For(Dataset, ModelSpec, DisclosureRequest?)"/> for a split dataset, whose counts are keyed as the unsplit dataset's.</summary>
    public static ModelDisclosure? For(ShardedDataset dataset, ModelSpec spec, DisclosureRequest? request) =>
        For(dataset.Manifest.Access, dataset.Directory, spec, request, (kind, sets, recorded) => PatientCounts.Release(dataset, request!, kind, spec.Name, sets, recorded),
            (kind, sets, sums) => PatientSums.Release(dataset, request!, kind, spec.Name, sets, sums), () => PatientSums.Cap(dataset, "receipts", "total_points", spec.Outcome.Window.Length));

    private static ModelDisclosure? For(DatasetAccess access, string directory, ModelSpec spec, DisclosureRequest? request,
        Func<string, IReadOnlyList<Func<PatientSet>>, PatientSet?, ReleasedCounts> release,
        Func<string, IReadOnlyList<Func<PatientSet>>, IReadOnlyList<PatientSum>, ReleasedFigures> figures, Func<double> pointsCap)
    {
        if (access == DatasetAccess.Public) return null;
        if (request is null || string.IsNullOrWhiteSpace(request.Project))
            throw new ClaimsException($"the dataset at '{directory}' is restricted: a model of it is released to a project under its disclosure rules; name the project");
        // The target's filters and the outcome's, as any where tree on restricted data: a label set by an identifying
        // column is about the one person it names (review 34).
        RestrictedPredicates.Check(spec.Target);
        RestrictedPredicates.Check(spec.Outcome.Event.Where, "outcome.where");
        // By time, the target's filters chose the training members exactly (one named person, or a few beside ones
        // known), and every test member's prediction was theirs (attack review 58); a split by a hash of each patient spreads
        // the training and test members alike over every leaf.
        if (spec.Split.TestFrom is not null)
            throw new ModelSpecException("split.by", "on restricted data the split is by patient: by time the target's filters choose exactly who trains the model, and every test member's prediction is made of them; use \"by\": \"patient\"");
        var threshold = request.Policy.Threshold;
        if (spec.Model.Trees && spec.Model.MinMembersPerLeaf < threshold)
            throw new ModelSpecException("model.minMembersPerLeaf", string.Create(CultureInfo.InvariantCulture,
                $"{spec.Model.MinMembersPerLeaf} is below the disclosure threshold of {threshold}: on restricted data every leaf of a tree must hold at least {threshold} members, or its value describes the few in it; ask for {threshold} or more"));
        // Points are capped as a query's sum of them is; the cap is read only when a quantity is released.
        var cap = spec.Outcome.Quantity == OutcomeQuantity.Admissions ? () => AdmissionsCap : pointsCap;
        return new ModelDisclosure(release, figures, cap, spec.Regression, request, spec.Name);
    }

    /// <summary>Why model.zip and model.onnx are not written on restricted data.</summary>
    public const string Withheld = "withheld: a model fitted to restricted rows holds exact aggregates of its training members in its parameters " +
        "(a logistic model's normaliser gives each 0/1 feature's exact count, a tree's leaf values its leaves' exact outcomes), which the report's rules cannot reach; " +
        "the report, its metrics and the feature importance are released, the model files stay inside";

    public DisclosureReport Report() => new(true, _request.Project, [.. _rules.Distinct(), .. _budget is null ? [] : new[] { _budget }], Withheld);

    public static double Round(double value) => Math.Round(value, Decimals, MidpointRounding.AwayFromZero);

    /// <summary>
    /// The population as released, after refusing one a few patients from the project's earlier releases; then
    /// refused if the test set is too small, or either set too one-sided, to publish metrics of (decided on the
    /// released counts, so a refusal says no more than they do).
    /// </summary>
    public PopulationReport Population(Population population, int[] train, int[] test, string outcomeMonths, bool censored)
    {
        var members = population.Set(Enumerable.Range(0, population.Count));
        var outcomes = Enumerable.Range(0, population.Count).Where(m => population.Outcome[m]);
        var (trainOutcomes, testOutcomes) = (population.Set(train.Where(m => population.Outcome[m])), population.Set(test.Where(m => population.Outcome[m])));
        // Paid for first, and nothing recorded until every refusal has passed: a population recorded and then
        // refused stood in the ledger as a set of 0, and "differs from it" told 1-9 from 0 (attack review 28).
        var shown = Release("model population", recorded: null,
            () => population.CohortPatients,
            () => population.NotObserved,
            () => members,
            () => population.Set(outcomes),
            () => population.Set(train),
            () => population.Set(test),
            () => testOutcomes,
            () => population.Set(test.Where(m => !population.Outcome[m])),
            () => trainOutcomes,
            () => population.Set(train.Where(m => !population.Outcome[m])));
        // Refused on released counts only: an exact "nobody" would tell an empty population from one of a few.
        if (shown[2] is null)
            throw new ModelSpecException("target", $"on restricted data a model needs at least {_request.Policy.Threshold} members observed to the end of the outcome window, as released; this population has fewer");
        if (shown[5] is not { } tested || tested < MinimumTestMembers)
            throw new ModelSpecException("split", string.Create(CultureInfo.InvariantCulture,
                $"on restricted data the test set must hold at least {MinimumTestMembers:N0} members as released, so that no metric turns on one member; this one holds fewer: use a larger testFraction or a broader target"));
        // The training members are what the predictions are made of: a few of them, read through every test member's
        // prediction, gave one person's points in one run (attack review 58). Decided on released counts, as above.
        if (shown[4] is not { } trained || trained < MinimumTestMembers)
            throw new ModelSpecException("split", string.Create(CultureInfo.InvariantCulture,
                $"on restricted data the training set must hold at least {MinimumTestMembers:N0} members as released, so that no prediction turns on a few members; this one holds fewer: use a smaller testFraction or a broader target"));
        // A quantity's figures are sums under noise, not fractions over its members with and without an amount.
        foreach (var (with, without, set) in _quantity ? [] : new[] { (6, 7, "test"), (8, 9, "training") })
        {
            if (shown[with] is null || shown[without] is null)
                throw new ModelSpecException("outcome", $"on restricted data the {set} set needs at least {_request.Policy.Threshold} members with the outcome and as many without it, as released; this one has fewer on one side");
        }
        // The members, and who among them has the outcome in each half: two runs on the same members whose outcomes
        // differ for one person moved the metrics by that person's label (review 28), so the labelled sets are
        // held to the differencing rule as the members are, and recorded with them.
        // All checked before any is recorded, so a refusal of the last leaves none of them in the ledger.
        var labelled = new[] { (members, "population", "population"), (trainOutcomes, "training outcomes", "training members with the outcome"),
            (testOutcomes, "test outcomes", "test members with the outcome") };
        foreach (var (set, _, who) in labelled) _request.Ledger.Check(_request.Project, set, $"model '{_label}' ({who})", _request.Policy);
        foreach (var (set, kind, _) in labelled) _request.Ledger.CheckAndRecord(_request.Project, set, $"model {kind}", _label, _request.Description, _request.Policy);
        return new PopulationReport(shown[0], shown[1], shown[2], shown[3], shown[4], shown[5], shown[6], outcomeMonths, censored);
    }

    /// <summary>Which indicators to keep: those whose count, as released, reaches their minimum (and so the threshold).</summary>
    public bool[] Keep(IReadOnlyList<Indicator> indicators, Population population)
    {
        var shown = Release("model features", recorded: null, indicators.Select(i => (Func<PatientSet>)(() => population.Set(i.Bits))).ToArray());
        _rules.Add($"features: a 0/1 feature is kept when its members, counted as a released count is, are at least the spec's minMembers and the threshold of {_request.Policy.Threshold}; the exact count decides nothing, and the flags dropped are not listed");
        return indicators.Select((indicator, i) => shown[i] is { } members && members >= indicator.MinMembers).ToArray();
    }

    /// <summary>
    /// <paramref name="exact"/> as it may be released: the test counts of the population as released, each decile's
    /// members and outcomes as released counts (its rate theirs), every other figure rounded.
    /// </summary>
    public BinaryReport Evaluation(string which, BinaryReport exact, double[] scores, bool[] observed, int[] test, Population population, PopulationReport released)
    {
        var deciles = BinaryMetrics.Deciles(scores, observed).ToArray();
        var sets = deciles.SelectMany(d => new Func<PatientSet>[]
        {
            () => population.Set(d.Members.Select(i => test[i])),
            () => population.Set(d.Members.Where(i => observed[i]).Select(i => test[i])),
        }).ToArray();
        // A decile's mean prediction is a sum of predictions under noise, as a quantity's is: exact, a constant
        // model's was its training members' outcome rate, and with their count as released gave the count of them
        // with the outcome (attack review 58: exact in 31 of 36 runs, and by four such sets one person's label).
        var sums = deciles.Select((d, b) => new PatientSum(2 * b, "predicted", () => d.Members.Select(i => Math.Clamp(scores[i], 0, 1)), 1)).ToArray();
        var shown = Figures($"{which} calibration", sets, sums);
        var bins = exact.Calibration.Select((bin, b) =>
        {
            var (count, positives) = (shown.Counts[2 * b], shown.Counts[2 * b + 1]);
            double? rate = count is > 0 && positives is { } p ? Round(p / (double)count.Value) : null;
            double? predicted = count is > 0 && shown.Sums[b] is { } sum ? Round(Math.Clamp(sum / count.Value, 0, 1)) : null;
            return new CalibrationBin(bin.Bin, count, positives, predicted, rate);
        }).ToArray();
        _rules.Add(string.Create(CultureInfo.InvariantCulture,
            $"metrics: from a test set of at least {MinimumTestMembers:N0} members, rounded to {Decimals} places; deciles' members and outcomes are released counts and their rates come from those, their mean predictions from sums of the predictions under noise; the ROC curve is drawn through the deciles' edges from those counts"));
        return new BinaryReport(released.Test, released.TestOutcomes, Round(exact.AucRoc), Round(exact.AucPr), Round(exact.Brier), Round(exact.LogLoss), bins,
            Round(exact.CalibrationSlope), Round(exact.CalibrationIntercept));
    }

    /// <summary>
    /// A quantity's values as the model may learn them on restricted data: each clipped to [0, cap]. A prediction is
    /// made of training members' values, so unclipped, one member's whole amount came back through every test member's
    /// prediction under noise sized for the cap (attack review 59: a month of 2.7 million points, 38 caps, read
    /// through the deciles' mean predictions of two populations a prefecture apart, 10 of 12 groups right).
    /// </summary>
    public float[] Learnable(float[] values)
    {
        var cap = (float)_cap();
        return [.. values.Select(v => Math.Clamp(v, 0, cap))];
    }

    /// <summary>
    /// A quantity's metrics as they may be released, and the fall in R² of each feature in <paramref name="shuffled"/>
    /// (the test members' predictions with that feature shuffled). Every figure is made from sums over the test members
    /// or a decile of them (<see cref="PatientSums"/>): each member's observed quantity and prediction clipped to
    /// [0, cap], their errors so to at most the cap (squared, the cap's square), and each sum moved by its own Laplace
    /// draw, so one member moves how likely any figure is by a bounded factor however large their amount. The test
    /// set's size is its count as released, each decile's its own.
    /// </summary>
    public (RegressionReport Report, IReadOnlyList<FeatureImportance> Importance) Quantity(string which, double[] predicted, double[] observed, int[] test,
        Population population, PopulationReport released, IReadOnlyList<(FeatureImportance Importance, float[] Predictions)> shuffled)
    {
        var cap = _cap();
        var square = cap * cap;
        var y = observed.Select(v => Math.Clamp(v, 0, cap)).ToArray();
        double[] Clip(IEnumerable<double> values) => values.Select(v => double.IsFinite(v) ? Math.Clamp(v, 0, cap) : 0).ToArray();
        var p = Clip(predicted);
        var mean = y.Average();
        var deciles = RegressionMetrics.Deciles(predicted, observed).ToArray();
        var sets = new List<Func<PatientSet>> { () => population.Set(test) };
        sets.AddRange(deciles.Select(d => (Func<PatientSet>)(() => population.Set(d.Members.Select(i => test[i])))));
        IEnumerable<double> Squares(double[] guess) => guess.Select((g, i) => (g - y[i]) * (g - y[i]));
        var sums = new List<PatientSum>
        {
            new(0, "observed", () => y, cap),
            new(0, "squared error", () => Squares(p), square),
            new(0, "absolute error", () => p.Select((g, i) => Math.Abs(g - y[i])), cap),
            new(0, "variance", () => y.Select(v => (v - mean) * (v - mean)), square),
        };
        for (var d = 0; d < deciles.Length; d++)
        {
            var members = deciles[d].Members;
            sums.Add(new PatientSum(d + 1, "predicted", () => members.Select(i => p[i]), cap));
            sums.Add(new PatientSum(d + 1, "observed", () => members.Select(i => y[i]), cap));
        }
        var first = sums.Count;
        foreach (var (importance, predictions) in shuffled)
        {
            var guess = Clip(predictions.Select(v => (double)v));
            sums.Add(new PatientSum(0, $"squared error, {importance.Feature} shuffled", () => Squares(guess), square));
        }
        var shown = Figures($"{which} quantity", sets, sums);
        var n = (double)released.Test!.Value;
        var s = shown.Sums;
        // Noise can take a sum of squares below zero, and the variance to nothing; neither is a figure.
        var (errors, variance) = (Math.Max(0, s[1]!.Value), Math.Max(square, s[3]!.Value));
        var bins = deciles.Select((d, b) => shown.Counts[b + 1] is { } count && count > 0
            ? new RegressionBin(d.Bin, count, Round(s[4 + 2 * b]!.Value / count), Round(s[5 + 2 * b]!.Value / count))
            : new RegressionBin(d.Bin, null, null, null)).ToArray();
        // Each sum's noise has a standard deviation of Spread × its scale; the figures' follow to first order.
        var (spread, share) = (PatientSums.Spread * cap, PatientSums.Spread * square / variance);
        var report = new RegressionReport(released.Test.Value, Round(s[0]!.Value / n), Round(Math.Sqrt(errors / n)), Round(Math.Max(0, s[2]!.Value) / n),
            Round(1 - errors / variance), bins)
        {
            Noise = new RegressionNoise(Round(spread / n), Round(share * Math.Sqrt(1 + Math.Pow(errors / variance, 2))), Round(spread / (n / Math.Max(1, deciles.Length))),
                Round(share * Math.Sqrt(2))),
        };
        var importances = shuffled.Select((f, i) => new FeatureImportance(f.Importance.Feature, Round((Math.Max(0, s[first + i]!.Value) - errors) / variance)))
            .OrderByDescending(i => i.Drop).ThenBy(i => i.Feature, StringComparer.Ordinal).ToArray();
        _rules.Add(string.Create(CultureInfo.InvariantCulture,
            $"quantity: each member's observed quantity and prediction count up to a cap in every released figure (for points the 99th percentile of patients' totals over the data's last months as many as the window's, as a query's sum of points over such a period is capped; for admissions {AdmissionsCap:0}); the mean, RMSE, MAE, R², the deciles' means and the features' falls in R² are made from sums each moved by a Laplace draw of about twice the cap (its square for squared errors and the variance), over a test set of at least {MinimumTestMembers:N0} members as released"));
        return (report, importances);
    }

    /// <summary>The attack as released: its AUC rounded.</summary>
    public MembershipReport Membership(MembershipReport attack)
    {
        _rules.Add("model files: model.zip and model.onnx of a model fitted to restricted rows are not released (their parameters hold exact aggregates of the training members); the membership-inference attack is run and reported all the same");
        return attack with { AttackAuc = Round(attack.AttackAuc) };
    }

    private ReleasedFigures Figures(string kind, IReadOnlyList<Func<PatientSet>> sets, IReadOnlyList<PatientSum> sums)
    {
        var released = _figures(kind, sets, sums);
        _rules.AddRange(released.Rules);
        _budget = released.Budget;
        return released;
    }

    private IReadOnlyList<long?> Release(string kind, PatientSet? recorded, params Func<PatientSet>[] sets)
    {
        var released = _release(kind, sets, recorded);
        _rules.AddRange(released.Rules);
        _budget = released.Budget;
        return released.Counts;
    }
}
