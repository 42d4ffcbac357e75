using Claims.Engine.Cohorts;
using Claims.Engine.Privacy;
using Claims.Testing;

namespace Claims.Engine.Tests.Privacy;

public class ReleaseLedgerTests
{
    private static readonly DisclosurePolicy Policy = DisclosurePolicy.Default;

    private static PatientSet Cohort(int capacity, IEnumerable<int> patients)
    {
        var set = new PatientSet(capacity);
        foreach (var p in patients) set.Add(p);
        return set;
    }

    [Fact]
    public void A_cohort_one_to_nine_patients_from_an_earlier_release_is_refused_both_ways()
    {
        using var temp = new TempDirectory();
        for (var k = 1; k < Policy.Threshold; k++)
        {
            var ledger = new ReleaseLedger(temp.Combine($"k{k}"));
            var a = Cohort(1000, Enumerable.Range(100, 300));
            ledger.CheckAndRecord("study", a, "cohort", "a", "a", Policy);
            var plus = Cohort(1000, Enumerable.Range(100, 300 + k));
            var minus = Cohort(1000, Enumerable.Range(100 + k, 300 - k));
            var e = Assert.Throws<DisclosureException>(() => ledger.CheckAndRecord("study", plus, "cohort", "a plus", "a plus", Policy));
            Assert.Matches(@"differs from release 1 \(cohort 'a', \d{4}-\d{2}-\d{2}\) by fewer than 10 patients, which would disclose them", e.Message);
            // The size of the difference is the very figure refused: no number in the message but the release, date and threshold.
            Assert.Equal(["1", "10"], NumbersIn(e.Message.Replace(DateIn(e.Message), "")));
            Assert.Throws<DisclosureException>(() => ledger.Check("study", minus, "a minus", Policy));
            // Same size, different members: the difference is 2k, refused while under the threshold.
            var swapped = Cohort(1000, Enumerable.Range(100 + k, 300).Select(p => p));
            if (2 * k < Policy.Threshold) Assert.Throws<DisclosureException>(() => ledger.Check("study", swapped, "swapped", Policy));
            else ledger.Check("study", swapped, "swapped", Policy);
            Assert.Single(ledger.Releases("study"));
        }
    }

    private static string DateIn(string message) => System.Text.RegularExpressions.Regex.Match(message, @"\d{4}-\d{2}-\d{2}").Value;

    private static string[] NumbersIn(string text) => System.Text.RegularExpressions.Regex.Matches(text, @"\d+").Select(m => m.Value).ToArray();

    [Fact]
    public void The_same_cohort_again_or_one_ten_or_more_patients_away_is_allowed_and_other_projects_are_unaffected()
    {
        using var temp = new TempDirectory();
        var ledger = new ReleaseLedger(temp.Path);
        var a = Cohort(5000, Enumerable.Range(0, 2000));
        ledger.CheckAndRecord("study", a, "query", "a", "q1", Policy);
        ledger.CheckAndRecord("study", Cohort(5000, Enumerable.Range(0, 2000)), "query", "a again", "q1", Policy);
        ledger.CheckAndRecord("study", Cohort(5000, Enumerable.Range(0, 2010)), "query", "a plus ten", "q2", Policy);
        ledger.CheckAndRecord("other", Cohort(5000, Enumerable.Range(0, 2001)), "query", "a plus one", "q3", Policy);
        // Now a + 5 is 5 from the first release and 5 from the third: refused.
        Assert.Throws<DisclosureException>(() => ledger.Check("study", Cohort(5000, Enumerable.Range(0, 2005)), "a plus five", Policy));
        Assert.Equal([1, 2, 3], ledger.Releases("study").Select(r => r.Number));
        Assert.Single(ledger.Releases("other"));
    }

    [Fact]
    public void Releases_persist_across_ledger_instances_and_a_bad_project_name_is_refused()
    {
        using var temp = new TempDirectory();
        var a = Cohort(70_000, Enumerable.Range(0, 70_000).Where(p => p % 7 == 0));
        var recorded = new ReleaseLedger(temp.Path).CheckAndRecord("study", a, "cohort", "sevens", "{\"cohort\": 7}", Policy);
        var reopened = new ReleaseLedger(temp.Path);
        var release = Assert.Single(reopened.Releases("study"));
        Assert.Equal(recorded, release);
        Assert.Equal(10_000, release.Count);
        var attack = Cohort(70_000, Enumerable.Range(0, 70_000).Where(p => p % 7 == 0 && p != 700));
        var e = Assert.Throws<DisclosureException>(() => reopened.Check("study", attack, "sevens minus one", Policy));
        Assert.Contains("(cohort 'sevens',", e.Message);
        Assert.Contains("by fewer than 10 patients", e.Message);
        Assert.Throws<DisclosureException>(() => reopened.Check("../escape", a, "x", Policy));
    }

    [Fact]
    public void Concurrent_releases_of_close_cohorts_through_separate_ledgers_let_exactly_one_through()
    {
        // Eight ledger instances over one folder, released at once behind a barrier: each instance's monitor guards
        // only itself, so only the folder's lock file (an exclusive file lock, as a second process would take) can
        // keep two of these cohorts, a few patients apart, from both passing.
        using var temp = new TempDirectory();
        using var start = new Barrier(8);
        var outcomes = new bool[8];
        var threads = Enumerable.Range(0, 8).Select(k => new Thread(() =>
        {
            var ledger = new ReleaseLedger(temp.Path);
            var cohort = Cohort(1000, Enumerable.Range(0, 500 + k));
            start.SignalAndWait();
            try
            {
                ledger.CheckAndRecord("study", cohort, "extract", $"k{k}", $"k{k}", Policy);
                outcomes[k] = true;
            }
            catch (DisclosureException)
            {
                outcomes[k] = false;
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Equal(1, outcomes.Count(o => o));
        Assert.Single(new ReleaseLedger(temp.Path).Releases("study"));
    }
}
