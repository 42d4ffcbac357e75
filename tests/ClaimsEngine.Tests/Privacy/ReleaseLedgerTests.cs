using Claims.Engine.Cohorts;
using Claims.Engine.Privacy;
using Claims.Engine.Storage;
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
    public void A_reopened_ledger_reads_every_numbered_release_file_in_order_and_numbers_the_next_after_them()
    {
        using var temp = new TempDirectory();
        var first = new ReleaseLedger(temp.Path);
        // Cohorts 100 apart: none refuses another.
        foreach (var (size, label) in new[] { (100, "a"), (200, "b"), (300, "c") })
            first.CheckAndRecord("study", Cohort(1000, Enumerable.Range(0, size)), "cohort", label, label, Policy);
        // Each release is a file DIR/project/NNNNNN.release.
        Assert.Equal(["000001.release", "000002.release", "000003.release"],
            Directory.EnumerateFiles(temp.Combine("study"), "*.release").Select(Path.GetFileName).Order());

        var reopened = new ReleaseLedger(temp.Path);
        Assert.Equal([(1, "a", 100), (2, "b", 200), (3, "c", 300)], reopened.Releases("study").Select(r => (r.Number, r.Label, r.Count)));
        var next = reopened.CheckAndRecord("study", Cohort(1000, Enumerable.Range(0, 400)), "cohort", "d", "d", Policy);
        Assert.Equal(4, next.Number);
        Assert.True(File.Exists(temp.Combine("study", "000004.release")));
        Assert.Equal([1, 2, 3, 4], new ReleaseLedger(temp.Path).Releases("study").Select(r => r.Number));

        // Five from the second release, read back from its file: refused, naming it, and no figure but its number, date and the threshold.
        var b = reopened.Releases("study")[1];
        var e = Assert.Throws<DisclosureException>(() => new ReleaseLedger(temp.Path).Check("study", Cohort(1000, Enumerable.Range(0, 205)), "extract 'b plus five'", Policy));
        Assert.Equal($"extract 'b plus five' differs from release 2 (cohort 'b', {b.Time:yyyy-MM-dd}) by fewer than 10 patients, which would disclose them; " +
            "change the cohort so it differs by none or by more", e.Message);
    }

    [Fact]
    public void A_damaged_release_file_is_refused_naming_it_and_what_is_wrong()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("cut", "study"));
        var cut = temp.Combine("cut", "study", "000001.release");
        File.WriteAllText(cut, "{\"number\": 1, \"kind\": \"cohort\"");
        Assert.Equal($"release file '{cut}' is damaged: it has no header line",
            Assert.Throws<DisclosureException>(() => new ReleaseLedger(temp.Combine("cut")).Releases("study")).Message);
        Directory.CreateDirectory(temp.Combine("empty", "study"));
        var empty = temp.Combine("empty", "study", "000001.release");
        File.WriteAllText(empty, "null\n");
        Assert.Equal($"release file '{empty}' is damaged: its header is empty",
            Assert.Throws<DisclosureException>(() => new ReleaseLedger(temp.Combine("empty")).Releases("study")).Message);
    }

    [Fact]
    public void A_project_name_that_is_not_a_plain_name_is_refused_saying_what_a_name_may_hold()
    {
        using var temp = new TempDirectory();
        var ledger = new ReleaseLedger(temp.Path);
        Assert.Equal("project '../escape' is not a valid project name (letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64)",
            Assert.Throws<DisclosureException>(() => ledger.Releases("../escape")).Message);
    }

    [Fact]
    public void The_cell_key_secret_is_made_on_first_use_as_32_bytes_only_its_owner_may_read_and_a_damaged_one_is_refused()
    {
        // Only the manifest is read: a dataset with nothing in it.
        using var temp = new TempDirectory();
        using (var writer = DatasetWriter.Create(temp.Combine("ds"), new DatasetWriteOptions { Access = DatasetAccess.Restricted })) writer.Commit();
        using var dataset = Dataset.Open(temp.Combine("ds"));

        IReleaseLedger made = new ReleaseLedger(temp.Combine("made"));
        var keys = made.KeysFor(dataset, "study");
        var secret = temp.Combine("made", "cell-key.secret");
        Assert.Equal(32, new FileInfo(secret).Length);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secret));
        // Another ledger over the same folder, as another process would open it, keys every record alike.
        IReleaseLedger again = new ReleaseLedger(temp.Combine("made"));
        Assert.Equal(Enumerable.Range(0, 100).Select(i => keys.Record(i)), Enumerable.Range(0, 100).Select(i => again.KeysFor(dataset, "study").Record(i)));

        Directory.CreateDirectory(temp.Combine("short"));
        var damaged = temp.Combine("short", "cell-key.secret");
        File.WriteAllBytes(damaged, new byte[31]);
        IReleaseLedger shortSecret = new ReleaseLedger(temp.Combine("short"));
        Assert.Equal($"'{damaged}' is damaged: a cell key secret is 32 bytes",
            Assert.Throws<DisclosureException>(() => shortSecret.KeysFor(dataset, "study")).Message);
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
