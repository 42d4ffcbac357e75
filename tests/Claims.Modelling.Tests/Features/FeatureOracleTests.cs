using Claims.Engine.Storage;
using Claims.Modelling.Features;
using Claims.Modelling.Spec;

namespace Claims.Modelling.Tests.Features;

/// <summary>
/// Features and outcomes from the engine's scans against the same written as SQL over the Parquet export, for
/// random members: the population's index months are the engine's cohort (tested against DuckDB on its own), so
/// each member's index is handed to the SQL.
/// </summary>
public sealed class FeatureOracleTests(ModelFixture fixture) : IClassFixture<ModelFixture>
{
    private static string Offset(string month, int index) => $"({month} // 100 * 12 + {month} % 100 - 1 - {index})";

    [Theory]
    [InlineData("letter")]
    [InlineData("category")]
    public void Every_feature_of_random_members_is_what_sql_over_the_export_says(string diagnoses)
    {
        var spec = ModelSpecParser.Parse(Examples.Admission.Replace("\"diagnoses\": \"letter\"", $"\"diagnoses\": \"{diagnoses}\"")
            .Replace("\"minMembers\": 20", $"\"minMembers\": 20, \"procedures\": true, \"checkups\": [{string.Join(", ", Checkups.Select(c => $"\"{c}\""))}]"), fixture.Dataset.Schema);
        var population = Population.Build(fixture.Dataset, spec, CancellationToken.None);
        var features = FeatureExtractor.Extract(fixture.Dataset, population, spec.Features, CancellationToken.None);
        Assert.True(population.Count > 300, $"only {population.Count} members");
        Assert.True(features.Names.Count(n => n.StartsWith("procedure:", StringComparison.Ordinal)) >= 4, "procedure groups among the features");
        var names = features.Names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i);
        var random = new Random(diagnoses.Length);
        var withCheckup = 0;
        // Forty members at random, and twenty of those with a checkup before their index (few are: most members are 75 or over).
        var examined = Enumerable.Range(0, population.Count).Where(m => features.Row(m)[names[$"checkup:{Checkups[0]} missing"]] == 0f).ToArray();
        foreach (var m in Enumerable.Range(0, 40).Select(_ => random.Next(population.Count)).Concat(Enumerable.Range(0, 20).Select(_ => examined[random.Next(examined.Length)])))
        {
            var (patient, index) = (population.Patients[m], population.Index[m]);
            var row = features.Row(m).ToArray();
            float Feature(string name) => row[names[name]];
            var who = $"patient {patient} at {MonthKey.FromAbsolute(index)}";
            // Demographics: the latest month at or before the index, its receipt with the greatest id.
            var latest = fixture.Oracle.Rows($"""
                SELECT age, sex, coalesce(prefecture, 0), coalesce(insurer_kind, 0) FROM receipts
                WHERE patient_id = {patient} AND {Offset("service_month", index)} BETWEEN {spec.Features.Windows.Min(w => w.From)} AND 0
                  AND service_month = (SELECT max(service_month) FROM receipts WHERE patient_id = {patient} AND {Offset("service_month", index)} <= 0)
                ORDER BY receipt_id DESC LIMIT 1
                """);
            Assert.Equal(Convert.ToSingle(latest[0][0]), Feature("age"));
            Assert.Equal(Convert.ToInt32(latest[0][1]) == 2 ? 1f : 0f, Feature("female"));
            Assert.True(Convert.ToInt32(latest[0][2]) == 0 || Feature($"prefecture={latest[0][2]}") == 1f, $"{who}: prefecture {latest[0][2]}");
            // Checkup items: the latest checkup before the index month, however far back; ties by date to the greater id.
            var checkup = fixture.Oracle.Rows($"""
                SELECT {string.Join(", ", Checkups.Select(c => $"CAST({c} AS FLOAT)"))} FROM checkups
                WHERE patient_id = {patient} AND {Offset("exam_month", index)} <= -1 ORDER BY exam_date DESC, checkup_id DESC LIMIT 1
                """).SingleOrDefault();
            for (var i = 0; i < Checkups.Length; i++)
            {
                var value = checkup?[i];
                Assert.True((value is null ? 1f : 0f) == Feature($"checkup:{Checkups[i]} missing"), $"{who}: {Checkups[i]} missing");
                Assert.True((value is null ? 0f : Convert.ToSingle(value)) == Feature($"checkup:{Checkups[i]}"), $"{who}: {Checkups[i]}");
            }
            if (checkup is not null) withCheckup++;
            foreach (var window in spec.Features.Windows)
            {
                var inWindow = $"patient_id = {patient} AND {Offset("service_month", index)} BETWEEN {window.From} AND {window.To}";
                var use = fixture.Oracle.Rows($"SELECT count(*), count(admission_date), CAST(coalesce(sum(total_points), 0) AS BIGINT) FROM receipts WHERE {inWindow}").Single();
                Assert.True(Convert.ToSingle(use[0]) == Feature(FeatureExtractor.Name("claims", window)), $"{who}: claims in {window}");
                Assert.True(Convert.ToSingle(use[1]) == Feature(FeatureExtractor.Name("inpatient_claims", window)), $"{who}: inpatient claims in {window}");
                Assert.True(Convert.ToSingle(use[2]) == Feature(FeatureExtractor.Name("points", window)), $"{who}: points in {window}");
                var length = diagnoses == "letter" ? 1 : 3;
                var codes = fixture.Oracle.Rows($"SELECT DISTINCT 'icd10:' || substr(icd10, 1, {length}) FROM diagnoses WHERE {inWindow} AND icd10 IS NOT NULL AND icd10 <> ''")
                    .Concat(fixture.Oracle.Rows($"SELECT DISTINCT 'drug_class:' || drug_class FROM drugs WHERE {inWindow} AND drug_class IS NOT NULL"))
                    .Concat(fixture.Oracle.Rows($"SELECT DISTINCT 'procedure:' || shinryo_shikibetsu FROM procedures WHERE {inWindow} AND shinryo_shikibetsu IS NOT NULL"))
                    .Select(r => FeatureExtractor.Name((string)r[0]!, window)).ToHashSet();
                var flagged = features.Names.Where(n => n.EndsWith($"[{window}]", StringComparison.Ordinal) && (n.StartsWith("icd10:", StringComparison.Ordinal) || n.StartsWith("drug_class:", StringComparison.Ordinal) || n.StartsWith("procedure:", StringComparison.Ordinal)))
                    .Where(n => Feature(n) == 1f).ToHashSet();
                // Flags too rare to keep are listed as dropped, never silently lost.
                Assert.True(codes.Where(c => !features.Dropped.Contains(c)).ToHashSet().SetEquals(flagged), $"{who}: flags in {window}");
            }
        }
        Assert.True(withCheckup >= 20, $"only {withCheckup} members with a checkup");
        // Over every member, not a sample: how many have each item from a checkup before their index.
        var table = $"members_{diagnoses}";
        fixture.Oracle.Rows($"CREATE TABLE {table} (patient INTEGER, idx INTEGER)");
        fixture.Oracle.Insert(table, Enumerable.Range(0, population.Count).Select(m => new object[] { population.Patients[m], population.Index[m] }));
        foreach (var item in Checkups)
        {
            var expected = fixture.Oracle.Scalar($"""
                SELECT count(*) FROM {table} m WHERE (SELECT {item} IS NOT NULL FROM checkups c WHERE c.patient_id = m.patient AND {Offset("c.exam_month", 0)} < m.idx
                  ORDER BY c.exam_date DESC, c.checkup_id DESC LIMIT 1)
                """);
            Assert.Equal(expected, Enumerable.Range(0, population.Count).Count(m => features.Row(m)[names[$"checkup:{item} missing"]] == 0f));
            Assert.True(expected > 0 || item == "fpg", $"no member has {item}");
        }
        // Over every member too: demographics from the latest month's receipt with the greatest id, which a member with
        // receipts at facilities in two prefectures that month tells from any other of its receipts.
        string Chosen(string value) => $"""
            SELECT (SELECT {value} FROM receipts r WHERE r.patient_id = m.patient AND {Offset("r.service_month", 0)} - m.idx BETWEEN {spec.Features.Windows.Min(w => w.From)} AND 0
              ORDER BY r.service_month DESC, r.receipt_id DESC LIMIT 1) AS v FROM {table} m
            """;
        var byPrefecture = fixture.Oracle.Rows($"SELECT v, count(*) FROM ({Chosen("coalesce(r.prefecture, 0)")}) WHERE v > 0 GROUP BY v");
        Assert.True(byPrefecture.Count > 10, $"{byPrefecture.Count} prefectures");
        foreach (var row in byPrefecture)
            Assert.Equal(Convert.ToInt64(row[1]), Enumerable.Range(0, population.Count).Count(m => features.Row(m)[names[$"prefecture={row[0]}"]] == 1f));
        Assert.Equal(Convert.ToDouble(fixture.Oracle.Scalar($"SELECT CAST(sum(v) AS BIGINT) FROM ({Chosen("r.age")})")),
            Enumerable.Range(0, population.Count).Sum(m => (double)features.Row(m)[names["age"]]));
    }

    // A float, integers of two sizes, a yes/no answer and an item often not measured.
    private static readonly string[] Checkups = ["bmi", "sbp", "hba1c", "egfr", "urine_protein", "smoking", "fpg"];

    [Fact]
    public void Outcomes_are_the_members_with_an_event_in_their_window_and_members_reach_its_end()
    {
        var spec = ModelSpecParser.Parse(Examples.Admission, fixture.Dataset.Schema);
        var population = Population.Build(fixture.Dataset, spec, CancellationToken.None);
        var last = fixture.Oracle.Scalar("SELECT max(service_month) FROM receipts");
        var window = spec.Outcome.Window;
        var checkedMembers = 0;
        var random = new Random(3);
        foreach (var m in Enumerable.Range(0, 80).Select(_ => random.Next(population.Count)))
        {
            var (patient, index) = (population.Patients[m], population.Index[m]);
            Assert.True(index + window.To <= MonthKey.ToAbsolute((int)last), $"patient {patient}: the window ends after the data");
            var events = fixture.Oracle.Scalar(
                $"SELECT count(*) FROM receipts WHERE patient_id = {patient} AND admission_date IS NOT NULL AND {Offset("service_month", index)} BETWEEN {window.From} AND {window.To}");
            Assert.Equal(events > 0, population.Outcome[m]);
            checkedMembers++;
        }
        Assert.Equal(80, checkedMembers);
        Assert.InRange(population.Outcomes, 10, population.Count - 10);
    }

    [Fact]
    public void A_death_outcome_is_a_diagnosis_with_outcome_3_in_the_window_for_every_member()
    {
        var spec = ModelSpecParser.Parse(Examples.Admission.Replace("\"outcome\": {\"table\": \"receipts\", \"where\": {\"col\": \"admission_date\", \"isNull\": false}, \"startDays\": 1, \"endDays\": 360}",
            "\"outcome\": {\"death\": true, \"startDays\": 1, \"endDays\": 360}"), fixture.Dataset.Schema);
        var population = Population.Build(fixture.Dataset, spec, CancellationToken.None);
        // Every death diagnosis, and each member's outcome from them in C#: the window is the spec's, in months.
        var deaths = fixture.Oracle.Rows("SELECT patient_id, service_month FROM diagnoses WHERE outcome = 3")
            .ToLookup(r => Convert.ToInt32(r[0]), r => MonthKey.ToAbsolute(Convert.ToInt32(r[1])));
        var window = spec.Outcome.Window;
        for (var m = 0; m < population.Count; m++)
        {
            var (patient, index) = (population.Patients[m], population.Index[m]);
            Assert.True(deaths[patient].Any(month => window.Contains(month - index)) == population.Outcome[m], $"patient {patient}");
        }
        Assert.InRange(population.Outcomes, 10, population.Count / 2);
    }
}
