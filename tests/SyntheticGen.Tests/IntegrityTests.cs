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

    /// <summary>A pharmacy receipt is for drugs dispensed: none is empty, even where an episode's drugs are all for older patients.</summary>
    [Fact]
    public void Every_pharmacy_receipt_dispenses_a_drug()
    {
        Assert.True(data.Scalar("SELECT count(*) FROM receipts WHERE claim_kind = 4 AND age < 3") > 1000, "infants' pharmacy receipts");
        Assert.Equal(0, data.Scalar("SELECT count(*) FROM receipts r WHERE r.claim_kind = 4 AND NOT EXISTS (SELECT 1 FROM drugs d WHERE d.receipt_id = r.receipt_id)"));
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
    /// 薬剤料 is the master's price of what the line supplies over 10 (a point up to 15 yen, else rounded 五捨五超入,
    /// within half a point): an oral line's quantity and points are a day's (its times are the days), as are an
    /// injection's on an admission (the day's share of its supply); any other line's the whole supply at once (a tube,
    /// an inhaler, vials taken home), so its quantity is whole days of clinical.json's daily quantity.
    /// </summary>
    [Fact]
    public void Drug_points_are_the_master_price_of_the_quantity_supplied()
    {
        var master = $"read_csv('{Path.Combine(RepoPaths.DataSchemas, "masters", "drugs.csv")}', all_varchar = true)";
        var lines = $"FROM drugs d JOIN {master} m USING (code)";
        Assert.True(data.Scalar($"SELECT count(*) {lines} WHERE d.shinryo_shikibetsu <> 21 AND d.points >= 100") > 10, "too few costly non-oral lines to tell");
        Assert.Equal(0, data.Scalar($"""
            SELECT count(*) {lines}
            WHERE abs(d.points - greatest(1, m.price::DOUBLE * d.quantity / 10)) > 0.5 + 1e-4 * d.points
            """));
        Assert.Equal(0, data.Scalar("SELECT count(*) FROM drugs WHERE shinryo_shikibetsu = 23 AND times <> 1"));
        // A line billed by the day as 内服 (21) is an oral product (the master's dosage form 1), and on admissions one
        // billed by the day as an injection (33) is an injection (form 4); the rest are whole supplies (23).
        Assert.True(data.Scalar($"SELECT count(*) {lines} WHERE d.shinryo_shikibetsu = 23") > 1000, "too few whole supplies to tell");
        Assert.True(data.Scalar($"SELECT count(*) {lines} WHERE d.shinryo_shikibetsu = 33") > 10, "too few injections on admissions to tell");
        Assert.Equal(0, data.Scalar($"""
            SELECT count(*) {lines} JOIN receipts r USING (receipt_id)
            WHERE (d.shinryo_shikibetsu = 21) <> (m.dosage_form = '1')
               OR (d.shinryo_shikibetsu = 33) <> (r.claim_kind = 1 AND m.dosage_form = '4')
               OR d.shinryo_shikibetsu NOT IN (21, 23, 33)
            """));
        // Every product dispensed for a non-oral drug of clinical.json, with its daily quantity.
        var clinical = GeneratorModel.Load().Clinical;
        var daily = clinical.Conditions.Concat(clinical.Acute).Concat(clinical.Minor)
            .SelectMany(d => d.Drugs?.Items ?? []).Where(drug => !drug.Oral)
            .SelectMany(drug => drug.Brands.Concat(drug.Generics).Append(drug))
            .GroupBy(drug => drug.Code).ToDictionary(g => g.Key, g => g.Select(drug => (double)drug.DailyQuantity).Distinct().ToArray());
        var supplied = new List<(string Code, double Quantity)>();
        using (var command = data.Duck.CreateCommand())
        {
            command.CommandText = "SELECT code, quantity::DOUBLE FROM drugs WHERE shinryo_shikibetsu <> 21 LIMIT 20000";
            using var reader = command.ExecuteReader();
            while (reader.Read()) supplied.Add((reader.GetString(0), reader.GetDouble(1)));
        }
        Assert.True(supplied.Count > 1000, "too few non-oral lines to tell");
        foreach (var (code, quantity) in supplied)
            Assert.True(daily[code].Any(q => Math.Abs(quantity / q - Math.Round(quantity / q)) < 1e-3 && Math.Round(quantity / q) is >= 1 and <= 90),
                $"{code}: {quantity} is no whole number of days of {string.Join(" or ", daily[code])}");
    }

    /// <summary>
    /// A pharmacy bills 調剤管理料 1 for oral drugs per 剤 on each day it fills a prescription, at the tier of the
    /// longest supply, two drugs to a 剤 and three 剤 at most; a day of other drugs only, 調剤管理料 2 once. Checked
    /// on receipts filled once in the month, whose lines are all that day's.
    /// </summary>
    [Fact]
    public void Pharmacies_bill_dispensing_management_by_the_days_supplied_and_the_drugs()
    {
        var fees = GeneratorModel.Load().Clinical.Fees;
        var management = fees.PharmacyManagement!;
        var tiers = string.Join(" ", management.UpToDays.Select((upTo, i) => $"WHEN o.longest <= {upTo} THEN '{management.Fees[i].Code}'"));
        var once = """
            SELECT r.receipt_id, count(d.code) FILTER (d.shinryo_shikibetsu = 21) AS oral, max(d.times) FILTER (d.shinryo_shikibetsu = 21) AS longest
            FROM receipts r JOIN drugs d USING (receipt_id) WHERE r.claim_kind = 4 AND r.actual_days = 1 GROUP BY ALL
            """;
        var billed = $"""
            SELECT o.*, f.code, f.times, CASE {tiers} ELSE '{management.Fees[^1].Code}' END AS tier
            FROM ({once}) o JOIN procedures f USING (receipt_id)
            WHERE f.code IN ({string.Join(", ", management.Fees.Select(f => $"'{f.Code}'"))}, '{fees.PharmacyOtherManagement!.Code}')
            """;
        Assert.Equal(data.Scalar($"SELECT count(*) FROM ({once})"), data.Scalar($"SELECT count(*) FROM ({billed})"));
        foreach (var (upTo, fee) in management.UpToDays.Append(90).Zip(management.Fees))
            Assert.True(data.Scalar($"SELECT count(*) FROM ({billed}) WHERE code = '{fee.Code}'") > 20, $"too few prescriptions of up to {upTo} days to tell");
        Assert.Equal(0, data.Scalar($"""
            SELECT count(*) FROM ({billed})
            WHERE CASE WHEN oral > 0 THEN code <> tier OR times <> least(3, (oral + 1) // 2) ELSE code <> '{fees.PharmacyOtherManagement.Code}' OR times <> 1 END
            """));
    }

    /// <summary>Conditions seen at one visit share its prescription: a medical receipt bills at most one 処方箋料 a visit day.</summary>
    [Fact]
    public void A_visit_writes_one_prescription_however_many_conditions_it_sees()
    {
        var slip = GeneratorModel.Load().Clinical.Fees.PrescriptionSlip.Code;
        var slips = $"SELECT receipt_id, sum(times) AS slips FROM procedures WHERE code = '{slip}' GROUP BY ALL";
        Assert.True(data.Scalar($"SELECT count(*) FROM ({slips}) WHERE slips > 1") > 100, "too few receipts with two prescriptions to tell");
        Assert.Equal(0, data.Scalar($"SELECT count(*) FROM ({slips}) s JOIN receipts r USING (receipt_id) WHERE s.slips > r.actual_days"));
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

    /// <summary>
    /// A pharmacy's drug line names its prescriber (as 調剤 receipts do): a facility that saw the patient that month
    /// on an outpatient receipt and wrote a 処方箋 (処方箋料, 120002910) on it. Medical receipts' lines name none.
    /// </summary>
    [Fact]
    public void Pharmacy_lines_name_a_prescriber_who_wrote_the_patient_a_prescription_that_month()
    {
        Assert.True(data.Scalar("SELECT count(*) FROM drugs d JOIN receipts r USING (receipt_id) WHERE r.claim_kind = 4") > 10_000, "pharmacy lines");
        Assert.Equal(0, data.Scalar("SELECT count(*) FROM drugs d JOIN receipts r USING (receipt_id) WHERE r.claim_kind = 4 AND d.prescriber_id IS NULL"));
        Assert.Equal(0, data.Scalar("SELECT count(*) FROM drugs d JOIN receipts r USING (receipt_id) WHERE r.claim_kind <> 4 AND d.prescriber_id IS NOT NULL"));
        Assert.Equal(0, data.Scalar("""
            SELECT count(*) FROM drugs d JOIN receipts r USING (receipt_id) JOIN truth_receipts t USING (receipt_id)
            WHERE r.claim_kind = 4 AND NOT EXISTS (
                SELECT 1 FROM receipts m JOIN truth_receipts mt USING (receipt_id) JOIN procedures p USING (receipt_id)
                WHERE mt.person_id = t.person_id AND m.service_month = r.service_month AND m.facility_id = d.prescriber_id
                  AND m.claim_kind = 2 AND p.code = '120002910')
            """));
    }
}
