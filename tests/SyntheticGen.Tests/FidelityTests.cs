using Claims.SyntheticGen.Fidelity;
using Claims.Testing;

namespace Claims.SyntheticGen.Tests;

[Collection(GeneratedDatasetCollection.Name)]
public class FidelityTests(GeneratedDataset data)
{
    /// <summary>docs/synthetic-data.md: on 50,000 persons × 12 months, 171 metrics.</summary>
    private const int DocumentedMetrics = 171;

    [Fact]
    public void Every_fidelity_metric_is_within_tolerance()
    {
        var rows = FidelityReport.Compute(data.Directory);
        Assert.Equal(DocumentedMetrics, rows.Count);
        Assert.Equal(rows.Count, rows.Select(r => r.Metric).Distinct().Count());
        var failing = rows.Where(r => !r.Pass).Select(r => $"{r.Metric}: target {r.Target}, synthetic {r.Value}, tolerance {r.Tolerance}").ToArray();
        Assert.True(failing.Length == 0, "outside tolerance:\n" + string.Join("\n", failing));
    }

    /// <summary>
    /// The generator grades itself, so the key synthetic values it reports are computed again here in DuckDB over
    /// the Parquet export and the truth, from what each metric's name says: a person-year is a month alive in the
    /// window (from the first month, newborns from birth, to the death month) over 12.
    /// </summary>
    [Fact]
    public void Key_metrics_equal_DuckDB_over_the_export_and_the_truth()
    {
        var reported = FidelityReport.Compute(data.Directory).ToDictionary(r => r.Metric, r => r.Value);
        static string M(string column) => GeneratedDataset.MonthIndex(column);
        var personYears = data.Scalar($"""
            SELECT sum(greatest(0, least({M("202403")}, coalesce({M("death_month")}, {M("202403")})) - greatest({M("202304")}, {M("first_month")}) + 1)) / 12.0
            FROM truth_persons
            """);
        // Points per person-year by age: a receipt's age against the months each person lived at that age in the window.
        double PerCapitaRatio(string where) => data.Scalar($"""
            WITH lived AS ({GeneratedDataset.Lived}),
            years AS (SELECT count(*) FILTER (age >= 65) / 12.0 AS old, count(*) FILTER (age < 65) / 12.0 AS young FROM lived),
            points AS (SELECT sum(total_points) FILTER (age >= 65) AS old, sum(total_points) FILTER (age < 65) AS young FROM receipts {where})
            SELECT (points.old / years.old) / (points.young / years.young) FROM points, years
            """);
        double PerPersonYear(string kinds) => data.Scalar($"SELECT count(*) FROM receipts WHERE claim_kind IN ({kinds})") / personYears;
        double MeanPoints(string kinds) => data.Scalar($"SELECT avg(total_points) FROM receipts WHERE claim_kind IN ({kinds})");
        var expected = new Dictionary<string, double>
        {
            ["claims per person-year: medical outpatient"] = PerPersonYear("2"),
            ["claims per person-year: pharmacy"] = PerPersonYear("4"),
            ["claims per person-year: dental"] = PerPersonYear("5, 6"),
            ["claims per person-year: inpatient and DPC"] = PerPersonYear("1, 3"),
            ["mean points per claim: medical outpatient"] = MeanPoints("2"),
            ["mean points per claim: inpatient and DPC"] = MeanPoints("1, 3"),
            ["spending: share of points, ages 75+"] = data.Scalar("SELECT sum(total_points) FILTER (age >= 75) / sum(total_points) FROM receipts"),
            ["spending: points per person-year, 65+ ÷ under 65"] = PerCapitaRatio(""),
            ["spending: pharmacy points per person-year, 65+ ÷ under 65"] = PerCapitaRatio("WHERE claim_kind = 4"),
            // 後発医薬品割合 (数量ベース) as MHLW defines it: generics ÷ (generics + brands that have a generic), in
            // units of the price list (a day's quantity × days), products paired by the YJ code's first nine characters.
            ["prescribing: generic share by quantity"] = data.Scalar($"""
                WITH master AS (SELECT code, generic = '1' AS generic, substr(yj_code, 1, 9) AS product
                                FROM read_csv('{Path.Combine(RepoPaths.DataSchemas, "masters", "drugs.csv")}', all_varchar = true)),
                     paired AS (SELECT product FROM master GROUP BY product HAVING bool_or(generic) AND bool_or(NOT generic))
                SELECT sum(d.quantity::DOUBLE * d.times) FILTER (m.generic) / sum(d.quantity::DOUBLE * d.times)
                FROM drugs d JOIN master m ON m.code = d.code WHERE m.product IN (SELECT product FROM paired)
                """),
            // Days of prescribed oral drugs (内服, 診療識別 21, on outpatient and pharmacy claims: a line's times are its
            // days), as the NDB chart buckets them.
            ["prescribing: oral drug lines for 29–30 days"] = data.Scalar(
                "SELECT avg((d.times BETWEEN 29 AND 30)::INT) FROM drugs d JOIN receipts r USING (receipt_id) WHERE d.shinryo_shikibetsu = 21 AND r.claim_kind IN (2, 4)"),
            ["prescribing: oral drug lines for 61 days or more"] = data.Scalar(
                "SELECT avg((d.times >= 61)::INT) FROM drugs d JOIN receipts r USING (receipt_id) WHERE d.shinryo_shikibetsu = 21 AND r.claim_kind IN (2, 4)"),
            // A prescription is a pharmacy's reception of it: the pharmacy receipt's days.
            ["prescribing: prescriptions filled per person-year, ages 75+"] = data.Scalar($"""
                WITH lived AS ({GeneratedDataset.Lived})
                SELECT (SELECT sum(actual_days) FROM receipts WHERE claim_kind = 4 AND age >= 75) / (count(*) FILTER (age >= 75) / 12.0) FROM lived
                """),
            // Drugs on a pharmacy receipt are its distinct codes, whatever their route.
            ["prescribing: pharmacy receipts with 5 or more drugs, ages 65–74"] = data.Scalar("""
                SELECT avg((drugs >= 5)::INT) FROM (
                    SELECT r.receipt_id, count(DISTINCT d.code) AS drugs FROM receipts r LEFT JOIN drugs d USING (receipt_id)
                    WHERE r.claim_kind = 4 AND r.age BETWEEN 65 AND 74 GROUP BY ALL)
                """),
            ["prescribing: pharmacy receipts with 7 or more drugs, ages 75+"] = data.Scalar("""
                SELECT avg((drugs >= 7)::INT) FROM (
                    SELECT r.receipt_id, count(DISTINCT d.code) AS drugs FROM receipts r LEFT JOIN drugs d USING (receipt_id)
                    WHERE r.claim_kind = 4 AND r.age >= 75 GROUP BY ALL)
                """),
            // An oral line's yen: a day's points × 10 × its days.
            ["prescribing: oral drugs dispensed by pharmacies, yen per person-year, ages 15–44"] = data.Scalar($"""
                WITH lived AS ({GeneratedDataset.Lived})
                SELECT (SELECT sum(d.points * 10.0 * d.times) FROM drugs d JOIN receipts r USING (receipt_id)
                        WHERE r.claim_kind = 4 AND d.shinryo_shikibetsu = 21 AND r.age BETWEEN 15 AND 44)
                       / (count(*) FILTER (age BETWEEN 15 AND 44) / 12.0) FROM lived
                """),
            // A duplicate: one outpatient's ingredient (the YJ code's first 7 characters) prescribed in a month by two or
            // more facilities (a pharmacy line's prescriber, a medical line's own facility), among the month's user-
            // ingredients; classes as calibration.json groups them.
            ["prescribing: cough and cold drugs, systemic antibacterials, share of a month's outpatient user-ingredients prescribed by two or more facilities"] =
                data.Scalar("""
                    SELECT avg((facilities > 1)::INT) FROM (
                        SELECT t.person_id, d.service_month, left(d.yj_code, 7), count(DISTINCT coalesce(d.prescriber_id, r.facility_id)) AS facilities
                        FROM drugs d JOIN receipts r USING (receipt_id) JOIN truth_receipts t USING (receipt_id)
                        WHERE r.claim_kind IN (2, 4) AND d.drug_class IN (118, 222, 223, 224, 611, 612, 613, 614, 615, 624) AND length(d.yj_code) >= 7
                        GROUP BY ALL)
                    """),
            ["receipts missing id5"] = data.Scalar("SELECT avg((id5 IS NULL)::INT) FROM receipts"),
            ["diagnosis lines flagged suspected (疑い)"] = data.Scalar("SELECT avg(coalesce(is_suspected, false)::INT) FROM diagnoses"),
            ["seasonality: influenza diagnoses in December–March"] = data.Scalar("""
                SELECT avg((service_month % 100 IN (12, 1, 2, 3))::INT) FROM diagnoses
                WHERE NOT is_suspected AND (starts_with(icd10, 'J09') OR starts_with(icd10, 'J10') OR starts_with(icd10, 'J11'))
                """),
            ["checkups: waistMale"] = data.Scalar("SELECT avg(coalesce(waist >= 85, false)::INT) FROM checkups WHERE sex = 1"),
            ["checkups: guidanceEligible"] = data.Scalar("SELECT avg((coalesce(guidance_level, 0) >= 2)::INT) FROM checkups"),
        };
        foreach (var (metric, value) in expected)
        {
            Assert.True(reported.TryGetValue(metric, out var synthetic), $"fidelity reports no '{metric}'");
            Assert.True(Math.Abs(synthetic - value) <= 1e-9 * Math.Max(1, Math.Abs(value)), $"{metric}: fidelity says {synthetic}, DuckDB {value}");
        }
    }

    [Fact]
    public void The_dataset_says_it_is_synthetic_everywhere()
    {
        using var dataset = Engine.Storage.Dataset.Open(data.Directory);
        Assert.True(dataset.Manifest.Provenance.Synthetic);
        Assert.Equal("50000", dataset.Manifest.Provenance.Parameters["persons"]);
        Assert.Equal(0, data.Scalar("SELECT count(*) FROM receipts WHERE facility_id < 900000000"));
        // The generator links its output: every row of every table has a patient, its receipt's for a line.
        foreach (var table in new[] { "receipts", "diagnoses", "procedures", "drugs", "devices", "dpc", "checkups" })
            Assert.Equal(0, data.Scalar($"SELECT count(*) FROM {table} WHERE patient_id IS NULL"));
        Assert.Equal(0, data.Scalar("SELECT count(*) FROM drugs d JOIN receipts r USING (receipt_id) WHERE d.patient_id <> r.patient_id"));
    }
}
