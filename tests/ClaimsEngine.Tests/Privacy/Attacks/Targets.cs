using Claims.Engine.Privacy;
using Claims.Engine.Query;

namespace Claims.Engine.Tests.Privacy.Attacks;

/// <summary>
/// What the attacks aim at on the restricted fixture, chosen by its truth: people one quasi-identifier picks out,
/// and pads of 10 to 14 patients to hide them beside.
/// </summary>
internal static class Targets
{
    public static string Patients(string where) =>
        $$"""{"from": "receipts", "where": {{where}}, "select": [{"countDistinct": "patient_id", "as": "n"}]}""";

    public static long Truth(RestrictedFixture fixture, string where) =>
        (long)(Analyst.Value(fixture.Dataset.Execute(Patients(where)).Column(0), 0) ?? 0);

    /// <summary>
    /// The first figure of a release to an attacker with an unlimited budget, recorded in <paramref name="ledger"/>,
    /// under <paramref name="policy"/> (the default where not given).
    /// </summary>
    public static double? First(RestrictedFixture fixture, ReleaseLedger ledger, string json, DisclosurePolicy? policy = null)
    {
        var result = DisclosureControl.Apply(fixture.Dataset, QueryParser.Parse(json, fixture.Dataset.Schema),
            new DisclosureRequest("mallory", ledger, json, policy ?? DisclosurePolicy.Default, long.MaxValue));
        return Analyst.Value(result.Batch.Column(0), 0);
    }

    /// <summary>A large cell of checkups, prefectures 1 to 14, that the alias attacks keep many aliases of.</summary>
    public const string AliasedCell = """{"col": "prefecture", "between": [1, 14]}""";

    /// <summary><see cref="AliasedCell"/> without each pair of <paramref name="inside"/> (known people in it): each 2 from it.</summary>
    public static List<string> AliasesOf(IReadOnlyList<(long P, long S, long A)> inside) =>
        [.. from a in Enumerable.Range(0, inside.Count)
            from b in Enumerable.Range(a + 1, inside.Count - a - 1)
            select $$"""{"and": [{{AliasedCell}}, {"not": {{Or([Block(inside[a]), Block(inside[b])])}}}]}"""];

    /// <summary>Asks <see cref="AliasedCell"/>, then each of <paramref name="aliases"/> (one figure each); the cell's figure.</summary>
    public static double? KeepAliases(RestrictedFixture fixture, ReleaseLedger ledger, IEnumerable<string> aliases, DisclosurePolicy policy)
    {
        var figure = First(fixture, ledger, CheckupPatients(AliasedCell), policy);
        foreach (var alias in aliases) First(fixture, ledger, CheckupPatients(alias), policy);
        return figure;
    }

    public static string CheckupPatients(string where) =>
        $$"""{"from": "checkups", "where": {{where}}, "select": [{"countDistinct": "patient_id", "as": "n"}]}""";

    public static long CheckupTruth(RestrictedFixture fixture, string where) =>
        (long)(Analyst.Value(fixture.Dataset.Execute(CheckupPatients(where)).Column(0), 0) ?? 0);

    /// <summary>
    /// Small sets of unknown size: checkup patients of one prefecture (from <paramref name="firstPrefecture"/> on) and
    /// sex with a condition, <paramref name="least"/> to 9 of them.
    /// </summary>
    public static List<(long P, string Where, long G)> SmallCheckupSets(RestrictedFixture fixture, int firstPrefecture, long least)
    {
        string[] conditions =
        [
            """{"col": "med_glucose", "eq": true}""",
            """{"col": "hba1c", "ge": 6.5}""",
            """{"col": "alcohol", "eq": 2}""",
            """{"and": [{"col": "smoking", "eq": true}, {"col": "age", "ge": 60}]}""",
            """{"col": "fpg", "ge": 126}""",
            """{"and": [{"col": "med_lipid", "eq": true}, {"col": "age", "lt": 50}]}""",
        ];
        var sets = new List<(long P, string Where, long G)>();
        foreach (var condition in conditions)
            for (var p = firstPrefecture; p <= 47; p++)
                for (var s = 1; s <= 2; s++)
                {
                    var where = $$"""{"and": [{"col": "prefecture", "eq": {{p}}}, {"col": "sex", "eq": {{s}}}, {{condition}}]}""";
                    var g = CheckupTruth(fixture, where);
                    if (g >= least && g <= 9) sets.Add((p, where, g));
                }
        return sets;
    }

    /// <summary>One (prefecture, sex, age) block, with <paramref name="secret"/> (a where term) where given.</summary>
    public static string Block((long P, long S, long A) block, string? secret = null) =>
        $$"""{"and": [{"col": "prefecture", "eq": {{block.P}}}, {"col": "sex", "eq": {{block.S}}}, {"col": "age", "eq": {{block.A}}}{{(secret is null ? "" : ", " + secret)}}]}""";

    /// <summary>
    /// <paramref name="count"/> targets of <paramref name="shuffled"/>, in its order, at least <paramref name="with"/> of
    /// them with the secret (<paramref name="has"/>, the truth) where the list holds that many: an attack measured on a
    /// handful of people with the secret says nothing, and a chance draw of the data should not decide whether there
    /// are enough. The rest are the first without it, so both groups stay random draws of their own.
    /// </summary>
    public static List<T> WithAndWithout<T>(IEnumerable<T> shuffled, int count, int with, Func<T, bool> has)
    {
        var (withIt, withoutIt) = (new List<(int Order, T Target)>(), new List<(int Order, T Target)>());
        var order = 0;
        foreach (var target in shuffled)
        {
            var list = has(target) ? withIt : withoutIt;
            list.Add((order++, target));
            if (withIt.Count >= with && withIt.Count + withoutIt.Count >= count) break;
        }
        var taken = Math.Max(with, count - withoutIt.Count);
        return [.. withIt.Take(taken).Concat(withoutIt.Take(count - Math.Min(taken, withIt.Count))).OrderBy(t => t.Order).Select(t => t.Target)];
    }

    public static string Or(IEnumerable<string> terms) => $$"""{"or": [{{string.Join(", ", terms)}}]}""";

    /// <summary>People alone in their (prefecture, sex, age) block among checkups.</summary>
    public static List<(long P, long S, long A)> CheckupAlone(RestrictedFixture fixture)
    {
        var batch = fixture.Dataset.Execute("""{"from": "checkups", "groupBy": ["prefecture", "sex", "age"], "select": [{"countDistinct": "patient_id", "as": "n"}]}""");
        return Enumerable.Range(0, batch.Length).Where(i => Analyst.Value(batch.Column(3), i) == 1)
            .Select(i => ((long)Analyst.Value(batch.Column(0), i)!, (long)Analyst.Value(batch.Column(1), i)!, (long)Analyst.Value(batch.Column(2), i)!)).ToList();
    }

    public static string Pad(long prefecture, long sex, long low, long high) =>
        $$"""{"and": [{"col": "prefecture", "eq": {{prefecture}}}, {"col": "sex", "eq": {{sex}}}, {"col": "age", "between": [{{low}}, {{high}}]}]}""";

    public static string Person(long prefecture, long sex, long age, string code) =>
        $$$$"""{"and": [{"col": "prefecture", "eq": {{{{prefecture}}}}}, {"col": "sex", "eq": {{{{sex}}}}}, {"col": "age", "eq": {{{{age}}}}}, {"exists": {"from": "diagnoses", "where": {"col": "icd10", "prefix": "{{{{code}}}}"}}}]}""";

    /// <summary>People alone in their (prefecture, sex, age) block: one quasi-identifier picks each out.</summary>
    public static List<(long P, long S, long A)> Alone(RestrictedFixture fixture) =>
        Blocks(fixture).Where(b => b.N == 1).Select(b => (b.P, b.S, b.A)).ToList();

    /// <summary>
    /// Pads of 10 to 14 patients: within each prefecture and sex, consecutive age windows grown until they hold 10,
    /// disjoint, so two pads are at least 20 patients apart and never near each other.
    /// </summary>
    public static List<(long P, long S, long Low, long High, long N)> Pads(RestrictedFixture fixture)
    {
        var pads = new List<(long, long, long, long, long)>();
        foreach (var block in Blocks(fixture).GroupBy(b => (b.P, b.S)))
        {
            var low = -1L;
            foreach (var age in block.Select(b => b.A).Order())
            {
                if (low < 0) low = age;
                var n = Truth(fixture, Pad(block.Key.P, block.Key.S, low, age));
                if (n < 10) continue;
                if (n <= 14) pads.Add((block.Key.P, block.Key.S, low, age, n));
                low = -1;
            }
        }
        return pads;
    }

    private static IEnumerable<(long P, long S, long A, long N)> Blocks(RestrictedFixture fixture)
    {
        var blocks = fixture.Dataset.Execute("""{"from": "receipts", "groupBy": ["prefecture", "sex", "age"], "select": [{"countDistinct": "patient_id", "as": "n"}]}""");
        return Enumerable.Range(0, blocks.Length).Select(r => ((long)Analyst.Value(blocks.Column(0), r)!, (long)Analyst.Value(blocks.Column(1), r)!,
            (long)Analyst.Value(blocks.Column(2), r)!, (long)Analyst.Value(blocks.Column(3), r)!));
    }

    /// <summary>
    /// Pads of 10 to 14 checkup patients (consecutive ages within a prefecture and sex) and people alone in their
    /// (prefecture, sex, age) block outside every pad, chosen by the truth as the other attacks choose theirs.
    /// </summary>
    public static (List<string> Pads, List<(long P, long S, long A)> Alone) CheckupPadsAndPeople(RestrictedFixture fixture)
    {
        var batch = fixture.Dataset.Execute("""{"from": "checkups", "groupBy": ["prefecture", "sex", "age"], "select": [{"countDistinct": "patient_id", "as": "n"}]}""");
        var blocks = Enumerable.Range(0, batch.Length)
            .Select(i => (P: (long)Analyst.Value(batch.Column(0), i)!, S: (long)Analyst.Value(batch.Column(1), i)!, A: (long)Analyst.Value(batch.Column(2), i)!, N: (long)Analyst.Value(batch.Column(3), i)!))
            .ToList();
        var pads = new List<string>();
        var padded = new HashSet<(long, long, long)>();
        foreach (var group in blocks.GroupBy(b => (b.P, b.S)))
        {
            var window = new List<(long P, long S, long A, long N)>();
            foreach (var block in group.OrderBy(b => b.A))
            {
                window.Add(block);
                if (window.Sum(b => b.N) < 10) continue;
                if (window.Sum(b => b.N) <= 14)
                {
                    pads.Add(Pad(group.Key.P, group.Key.S, window[0].A, block.A));
                    foreach (var b in window) padded.Add((b.P, b.S, b.A));
                }
                window.Clear();
            }
        }
        return (pads, blocks.Where(b => b.N == 1 && !padded.Contains((b.P, b.S, b.A))).Select(b => (b.P, b.S, b.A)).ToList());
    }
}
