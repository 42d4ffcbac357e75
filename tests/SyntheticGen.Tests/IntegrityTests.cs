using Claims.SyntheticGen.Model;
using Claims.Testing;

namespace Claims.SyntheticGen.Tests;

/// <summary>Invariants checked independently of the generator's own fidelity code: DuckDB over the Parquet export.</summary>
[Collection(GeneratedDatasetCollection.Name)]
public class IntegrityTests(GeneratedDataset data)
{
    [Theory]
    [InlineData("diagnoses")]
    [InlineData("procedures")]
    [InlineData("drugs")]
    [InlineData("devices")]
    [InlineData("dpc")]
    public void Every_line_belongs_to_a_receipt_of_the_same_month(string table)
    {
        Assert.True(data.Scalar($"SELECT count(*) FROM {table}") > 0, $"{table} is empty");
        Assert.Equal(0, data.Scalar($"""
            SELECT count(*) FROM {table} l LEFT JOIN receipts r ON r.receipt_id = l.receipt_id AND r.service_month = l.service_month
            WHERE r.receipt_id IS NULL
            """));
    }

    [Fact]
    public void Receipt_ids_are_unique_and_every_receipt_has_lines()
    {
        Assert.Equal(data.Scalar("SELECT count(*) FROM receipts"), data.Scalar("SELECT count(DISTINCT receipt_id) FROM receipts"));
        Assert.Equal(0, data.Scalar("""
            SELECT count(*) FROM receipts r
            WHERE NOT EXISTS (SELECT 1 FROM procedures p WHERE p.receipt_id = r.receipt_id)
              AND NOT EXISTS (SELECT 1 FROM drugs d WHERE d.receipt_id = r.receipt_id)
              AND NOT EXISTS (SELECT 1 FROM dpc x WHERE x.receipt_id = r.receipt_id)
            """));
    }

    [Fact]
    public void Total_points_equal_the_sum_of_the_lines()
    {
        Assert.Equal(0, data.Scalar("""
            WITH lines AS (
                SELECT receipt_id, sum(coalesce(points, 0) * times) AS points FROM procedures GROUP BY ALL
                UNION ALL SELECT receipt_id, sum(coalesce(points, 0) * times) FROM drugs GROUP BY ALL
                UNION ALL SELECT receipt_id, sum(coalesce(points, 0) * times) FROM devices GROUP BY ALL
                UNION ALL SELECT receipt_id, sum(bundled_points) FROM dpc GROUP BY ALL),
            totals AS (SELECT receipt_id, sum(points) AS points FROM lines GROUP BY ALL)
            SELECT count(*) FROM receipts r LEFT JOIN totals t USING (receipt_id) WHERE r.total_points <> coalesce(t.points, 0)
            """));
    }

    [Fact]
    public void Codes_come_from_the_masters_and_line_tables_carry_their_kinds()
    {
        // Medical procedures start with 1, dental ones with 3.
        Assert.Equal(0, data.Scalar("SELECT count(*) FROM procedures WHERE NOT regexp_full_match(code, '[13][0-9]{8}')"));
        Assert.Equal(0, data.Scalar("""
            SELECT count(*) FROM procedures p JOIN receipts r USING (receipt_id)
            WHERE (r.claim_kind IN (5, 6)) <> starts_with(p.code, '3')
            """));
        Assert.Equal(0, data.Scalar("SELECT count(*) FROM drugs WHERE NOT regexp_full_match(code, '6[0-9]{8}') OR drug_class::VARCHAR <> left(yj_code, 3)"));
        Assert.Equal(0, data.Scalar("SELECT count(*) FROM diagnoses WHERE NOT regexp_full_match(disease_code, '[0-9]{7}')"));
        Assert.Equal(0, data.Scalar("SELECT count(*) FROM dpc WHERE length(dpc_code) <> 14"));
        Assert.Equal(0, data.Scalar("SELECT count(*) FROM receipts r JOIN dpc d USING (receipt_id) WHERE r.claim_kind <> 3"));
        Assert.Equal(0, data.Scalar("SELECT count(*) FROM diagnoses d JOIN receipts r USING (receipt_id) WHERE r.claim_kind = 4"));
    }

    /// <summary>
    /// 薬剤料 is the master's price of what the line supplies over 10, at least a point: an oral line's quantity and
    /// points are a day's (its times are the days), any other line's the whole supply at once (a tube, an inhaler, vials).
    /// </summary>
    [Fact]
    public void Drug_points_are_the_master_price_of_the_quantity()
    {
        var master = $"read_csv('{Path.Combine(RepoPaths.DataSchemas, "masters", "drugs.csv")}', all_varchar = true)";
        var lines = $"FROM drugs d JOIN {master} m USING (code)";
        Assert.True(data.Scalar($"SELECT count(*) {lines} WHERE d.shinryo_shikibetsu <> 21 AND d.points >= 100") > 10, "too few costly non-oral lines to tell");
        // Half a point of rounding, and a little for the float quantity.
        Assert.Equal(0, data.Scalar($"""
            SELECT count(*) {lines}
            WHERE abs(d.points - greatest(1, m.price::DOUBLE * d.quantity / 10)) > 0.5 + 1e-4 * d.points
            """));
        Assert.Equal(0, data.Scalar("SELECT count(*) FROM drugs WHERE shinryo_shikibetsu <> 21 AND times <> 1"));
    }

    /// <summary>
    /// A pharmacy bills 調剤管理料 for oral drugs per 剤 (1 to 3) on each day it fills a prescription, at the tier of
    /// the days supplied: a receipt whose oral drugs are all for a week or less has only the lowest tier, one filled
    /// once with nothing under 29 days only the highest.
    /// </summary>
    [Fact]
    public void Pharmacies_bill_dispensing_management_by_the_days_supplied()
    {
        var management = GeneratorModel.Load().Clinical.Fees.PharmacyManagement!;
        var codes = management.Fees.Select(f => $"'{f.Code}'").ToArray();
        var oral = """
            SELECT d.receipt_id, min(d.times) AS shortest, max(d.times) AS longest, any_value(r.actual_days) AS filled
            FROM drugs d JOIN receipts r USING (receipt_id) WHERE r.claim_kind = 4 AND d.shinryo_shikibetsu = 21 GROUP BY ALL
            """;
        var fees = $"SELECT receipt_id, code, times FROM procedures WHERE code IN ({string.Join(", ", codes)})";
        Assert.Equal(0, data.Scalar($"SELECT count(*) FROM ({oral}) o WHERE NOT EXISTS (SELECT 1 FROM ({fees}) f WHERE f.receipt_id = o.receipt_id)"));
        Assert.Equal(0, data.Scalar($"SELECT count(*) FROM ({fees}) WHERE times NOT BETWEEN 1 AND 3"));
        Assert.True(data.Scalar($"SELECT count(*) FROM ({oral}) WHERE longest <= 7") > 100, "too few week-long prescriptions to tell");
        Assert.Equal(0, data.Scalar($"SELECT count(*) FROM ({oral}) o JOIN ({fees}) f USING (receipt_id) WHERE o.longest <= 7 AND f.code <> {codes[0]}"));
        Assert.True(data.Scalar($"SELECT count(*) FROM ({oral}) WHERE filled = 1 AND shortest >= 29") > 100, "too few month-long prescriptions to tell");
        Assert.Equal(0, data.Scalar($"SELECT count(*) FROM ({oral}) o JOIN ({fees}) f USING (receipt_id) WHERE o.filled = 1 AND o.shortest >= 29 AND f.code <> {codes[^1]}"));
    }

    [Fact]
    public void Pharmacy_claims_follow_a_prescription_in_the_same_month()
    {
        var slip = GeneratorModel.Load().Clinical.Fees.PrescriptionSlip.Code;
        var pharmacyMonths = """
            SELECT DISTINCT t.person_id, r.service_month FROM receipts r JOIN truth_receipts t USING (receipt_id) WHERE r.claim_kind = 4
            """;
        var prescriptionMonths = $"""
            SELECT DISTINCT t.person_id, p.service_month FROM procedures p JOIN truth_receipts t USING (receipt_id) WHERE p.code = '{slip}'
            """;
        Assert.True(data.Scalar($"SELECT count(*) FROM ({pharmacyMonths})") > 1000);
        Assert.Equal(0, data.Scalar($"SELECT count(*) FROM ({pharmacyMonths} EXCEPT {prescriptionMonths})"));
    }
}
