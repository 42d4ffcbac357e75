namespace Claims.Cli.Bench;

/// <summary>One query of the side-by-side suite: the engine's JSON and the same question in DuckDB's SQL.</summary>
public sealed record BenchQuery(string Name, string Json, string Sql);

/// <summary>
/// The fixed suite `claims bench` runs on the engine and on DuckDB: the shapes researchers ask most, from a
/// one-column range count to a full-table multi-predicate scan. Constants that depend on the data (the last
/// month, fifty drug codes) are read from it first.
/// </summary>
public static class BenchSuite
{
    public static IReadOnlyList<BenchQuery> Queries(int lastMonth, IReadOnlyList<string> drugCodes)
    {
        var codes = string.Join(", ", drugCodes.Select(c => $"\"{c}\""));
        var sqlCodes = string.Join(", ", drugCodes.Select(c => $"'{c}'"));
        return
        [
            new("range count (one column)",
                """{"from": "receipts", "where": {"col": "total_points", "between": [1000, 5000]}, "select": [{"count": "*", "as": "n"}]}""",
                "SELECT count(*) FROM receipts WHERE total_points BETWEEN 1000 AND 5000"),
            new("two small-integer predicates, sum",
                """{"from": "receipts", "where": {"and": [{"col": "sex", "eq": 2}, {"col": "claim_kind", "eq": 2}]}, "select": [{"sum": "total_points", "as": "points"}]}""",
                "SELECT sum(total_points) FROM receipts WHERE sex = 2 AND claim_kind = 2"),
            new("IN list of 50 drug codes",
                $$"""{"from": "drugs", "where": {"col": "code", "in": [{{codes}}]}, "select": [{"count": "*", "as": "n"}, {"sum": "points", "as": "points"}]}""",
                $"SELECT count(*), sum(points) FROM drugs WHERE code IN ({sqlCodes})"),
            new("exists: a diagnosis with icd10 prefix E11",
                """{"from": "receipts", "where": {"exists": {"from": "diagnoses", "where": {"col": "icd10", "prefix": "E11"}}}, "select": [{"count": "*", "as": "n"}]}""",
                "SELECT count(*) FROM receipts r WHERE EXISTS (SELECT 1 FROM diagnoses d WHERE d.receipt_id = r.receipt_id AND starts_with(d.icd10, 'E11'))"),
            new("group by prefecture × age_band, sum of points",
                """{"from": "receipts", "groupBy": ["prefecture", "age_band"], "select": [{"sum": "total_points", "as": "points"}]}""",
                "SELECT prefecture, (age // 5) * 5, sum(total_points) FROM receipts GROUP BY ALL"),
            new("countDistinct patients under a filter",
                """{"from": "receipts", "where": {"col": "claim_kind", "eq": 4}, "select": [{"countDistinct": "patient_id", "as": "patients"}]}""",
                "SELECT count(DISTINCT patient_id) FROM receipts WHERE claim_kind = 4"),
            new("top 20 drug classes by points",
                """{"from": "drugs", "groupBy": ["drug_class"], "select": [{"sum": "points", "as": "points"}], "orderBy": [{"col": "points", "desc": true}], "limit": 20}""",
                "SELECT drug_class, sum(points) AS p FROM drugs GROUP BY ALL ORDER BY p DESC, drug_class LIMIT 20"),
            new("monthly trend",
                """{"from": "receipts", "groupBy": ["service_month"], "select": [{"count": "*", "as": "claims"}, {"sum": "total_points", "as": "points"}]}""",
                "SELECT service_month, count(*), sum(total_points) FROM receipts GROUP BY ALL"),
            new("selective: one month, very expensive claims (zone maps)",
                $$"""{"from": "receipts", "where": {"and": [{"col": "service_month", "eq": {{lastMonth}}}, {"col": "total_points", "ge": 500000}]}, "select": [{"count": "*", "as": "n"}]}""",
                $"SELECT count(*) FROM receipts WHERE service_month = {lastMonth} AND total_points >= 500000"),
            new("full table, four predicates",
                """{"from": "procedures", "where": {"and": [{"col": "points", "between": [10, 1000]}, {"col": "times", "ge": 2}, {"col": "shinryo_shikibetsu", "in": [60, 70]}, {"col": "service_month", "ge": 0}]}, "select": [{"count": "*", "as": "n"}, {"sum": "points", "as": "points"}]}""",
                "SELECT count(*), sum(points) FROM procedures WHERE points BETWEEN 10 AND 1000 AND times >= 2 AND shinryo_shikibetsu IN (60, 70) AND service_month >= 0"),
            new("distinct patients aged 75+ per prefecture",
                """{"from": "receipts", "where": {"col": "age", "ge": 75}, "groupBy": ["prefecture"], "select": [{"countDistinct": "patient_id", "as": "patients"}]}""",
                "SELECT prefecture, count(DISTINCT patient_id) FROM receipts WHERE age >= 75 GROUP BY ALL"),
            new("points by fiscal year × claim kind",
                """{"from": "receipts", "groupBy": ["fiscal_year", "claim_kind"], "select": [{"sum": "total_points", "as": "points"}]}""",
                "SELECT CASE WHEN service_month % 100 >= 4 THEN service_month // 100 ELSE service_month // 100 - 1 END, claim_kind, sum(total_points) FROM receipts GROUP BY ALL"),
            new("top 20 ICD-10 categories by distinct patients",
                """{"from": "diagnoses", "groupBy": ["icd10_category"], "select": [{"countDistinct": "patient_id", "as": "patients"}], "orderBy": [{"col": "patients", "desc": true}], "limit": 20}""",
                "SELECT left(icd10, 3) AS c, count(DISTINCT patient_id) AS p FROM diagnoses GROUP BY ALL ORDER BY p DESC, c LIMIT 20"),
            // The engine's exists is on the same claim, so "the same month" here is the same month's claim of one facility.
            new("patients with an E11 diagnosis and a diabetes drug (class 396) on the same claim",
                """{"from": "receipts", "where": {"and": [{"exists": {"from": "diagnoses", "where": {"col": "icd10", "prefix": "E11"}}}, {"exists": {"from": "drugs", "where": {"col": "drug_class", "eq": 396}}}]}, "select": [{"countDistinct": "patient_id", "as": "patients"}]}""",
                "SELECT count(DISTINCT patient_id) FROM receipts r WHERE EXISTS (SELECT 1 FROM diagnoses d WHERE d.receipt_id = r.receipt_id AND starts_with(d.icd10, 'E11')) AND EXISTS (SELECT 1 FROM drugs g WHERE g.receipt_id = r.receipt_id AND g.drug_class = 396)"),
            // What disclosure control has the engine scan for a restricted grouped query (rows, patients, and the
            // summed column's extremes per cell); the suppression and noise after it are not timed here.
            new("restricted shape: rows, patients and extremes per prefecture × age_band × sex",
                """{"from": "receipts", "groupBy": ["prefecture", "age_band", "sex"], "select": [{"count": "*", "as": "rows"}, {"countDistinct": "patient_id", "as": "patients"}, {"sum": "total_points", "as": "points"}, {"min": "total_points", "as": "lo"}, {"max": "total_points", "as": "hi"}]}""",
                "SELECT prefecture, (age // 5) * 5, sex, count(*), count(DISTINCT patient_id), sum(total_points), min(total_points), max(total_points) FROM receipts GROUP BY ALL"),
        ];
    }
}
