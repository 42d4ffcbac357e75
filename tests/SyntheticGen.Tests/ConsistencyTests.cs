using Claims.SyntheticGen.Fidelity;
using Claims.SyntheticGen.Model;
using Claims.Testing;

namespace Claims.SyntheticGen.Tests;

/// <summary>Conditions ↔ diagnoses ↔ drugs ↔ checkups, against the ground truth, in DuckDB.</summary>
[Collection(GeneratedDatasetCollection.Name)]
public class ConsistencyTests(GeneratedDataset data)
{
    private static readonly GeneratorModel s_model = GeneratorModel.Load();

    /// <summary>Persons with claims for a drug of the diabetes regimens (oral agents and insulin).</summary>
    private static readonly string PersonDrugs = $"""
        SELECT DISTINCT t.person_id FROM drugs d JOIN truth_receipts t USING (receipt_id)
        WHERE d.code IN ({string.Join(", ", GlucoseLoweringDrugs.Codes(s_model).Select(c => $"'{c}'"))})
        """;

    private const string PersonDiabetesDiagnoses = """
        SELECT DISTINCT t.person_id FROM diagnoses d JOIN truth_receipts t USING (receipt_id)
        WHERE regexp_matches(d.icd10, '^E1[0-4]') AND NOT d.is_suspected
        """;

    /// <summary>Persons on class 396 drugs, and persons with a diagnosis of a condition whose regimen uses that class.</summary>
    private const string PersonClass396 = """
        SELECT DISTINCT t.person_id FROM drugs d JOIN truth_receipts t USING (receipt_id) WHERE d.drug_class = 396
        """;

    private static readonly string PersonClass396Indications = $"""
        SELECT DISTINCT t.person_id FROM diagnoses d JOIN truth_receipts t USING (receipt_id)
        WHERE NOT d.is_suspected AND ({string.Join(" OR ", GlucoseLoweringDrugs.Class396Indications(s_model).Select(p => $"starts_with(d.icd10, '{p}')"))})
        """;

    [Fact]
    public void Treated_diabetics_have_diabetes_diagnoses_and_diabetes_drugs()
    {
        var treated = """
            SELECT c.person_id FROM truth_conditions c JOIN truth_persons p USING (person_id)
            WHERE c.condition = 't2dm' AND c.treated AND c.diagnosed_month <= 202309 AND (p.death_month IS NULL OR p.death_month >= 202312)
            """;
        var count = data.Scalar($"SELECT count(*) FROM ({treated})");
        Assert.True(count > 500, $"only {count} treated diabetics");
        Assert.True(data.Scalar($"SELECT count(*) FROM ({treated}) WHERE person_id IN ({PersonDiabetesDiagnoses})") / count > 0.97);
        Assert.True(data.Scalar($"SELECT count(*) FROM ({treated}) WHERE person_id IN ({PersonDrugs})") / count > 0.97);
    }

    [Fact]
    public void Diabetes_drugs_go_only_to_people_with_a_condition_they_treat()
    {
        Assert.Equal(0, data.Scalar($"SELECT count(*) FROM ({PersonDrugs}) WHERE person_id NOT IN ({PersonDiabetesDiagnoses})"));
        // Drugs only diabetes regimens use (not the SGLT2 inhibitors shared with CKD and heart failure) go only to treated diabetics.
        var shared = s_model.Clinical.Conditions.Where(c => c.Id is not ("t2dm" or "t1dm")).SelectMany(c => c.Drugs?.Items ?? []).SelectMany(d => d.Dispensable);
        var exclusive = GlucoseLoweringDrugs.Codes(s_model).Except(shared).Select(c => $"'{c}'").ToArray();
        Assert.NotEmpty(exclusive);
        Assert.Equal(0, data.Scalar($"""
            SELECT count(*) FROM (SELECT DISTINCT t.person_id FROM drugs d JOIN truth_receipts t USING (receipt_id) WHERE d.code IN ({string.Join(", ", exclusive)})) d
            WHERE NOT EXISTS (SELECT 1 FROM truth_conditions c WHERE c.person_id = d.person_id AND c.condition IN ('t2dm', 't1dm') AND c.treated)
            """));
        // SGLT2 inhibitors (class 396) are also given for CKD and heart failure, never to someone with none of them.
        Assert.Equal(0, data.Scalar($"SELECT count(*) FROM ({PersonClass396}) WHERE person_id NOT IN ({PersonClass396Indications})"));
    }

    [Fact]
    public void Checkups_agree_with_the_drug_claims_and_the_conditions()
    {
        var medGlucose = "SELECT k.*, t.person_id FROM checkups k JOIN truth_checkups t USING (checkup_id) WHERE k.med_glucose";
        var onMedication = data.Scalar($"SELECT count(*) FROM ({medGlucose})");
        Assert.True(onMedication > 100, $"only {onMedication} checkups on glucose medication");
        Assert.True(data.Scalar($"SELECT count(*) FROM ({medGlucose}) WHERE person_id IN ({PersonDrugs})") / onMedication > 0.95);
        var treatedHba1c = data.Scalar("SELECT avg(hba1c) FROM checkups WHERE med_glucose");
        var otherHba1c = data.Scalar("SELECT avg(hba1c) FROM checkups WHERE NOT med_glucose");
        Assert.InRange(treatedHba1c, 6.5, 8.0);
        Assert.InRange(otherHba1c, 5.2, 6.0);
        // People on medication get information provision (level 1) at most, by the guidance rules.
        Assert.Equal(0, data.Scalar("SELECT count(*) FROM checkups WHERE (med_bp OR med_glucose OR med_lipid) AND guidance_level <> 1"));
        Assert.Equal(0, data.Scalar("SELECT count(*) FROM checkups WHERE age < 40 OR age > 74"));
    }

    [Fact]
    public void Diabetes_clusters_with_hypertension_and_dyslipidaemia()
    {
        var share = (string among) => data.Scalar($"""
            SELECT avg(CASE WHEN EXISTS (SELECT 1 FROM truth_conditions h WHERE h.person_id = p.person_id AND h.condition = 'hypertension') THEN 1 ELSE 0 END)
            FROM truth_persons p
            WHERE date_diff('year', p.birth_date, DATE '2023-04-01') BETWEEN 50 AND 69 AND {among}
            """);
        var diabetic = share("EXISTS (SELECT 1 FROM truth_conditions d WHERE d.person_id = p.person_id AND d.condition = 't2dm')");
        var others = share("NOT EXISTS (SELECT 1 FROM truth_conditions d WHERE d.person_id = p.person_id AND d.condition = 't2dm')");
        Assert.True(diabetic > others * 1.2, $"hypertension among diabetics {diabetic:P1}, among others {others:P1}");
    }

    [Fact]
    public void Influenza_peaks_in_winter_and_heat_stroke_in_summer()
    {
        // New episodes only: a diagnosis kept open for months would blur the season.
        const string starting = "strftime(start_date, '%Y%m')::INT = service_month";
        var winter = data.Scalar($"SELECT count(*) FROM diagnoses WHERE regexp_matches(icd10, '^J1[01]|^J09') AND {starting} AND service_month % 100 IN (12, 1, 2, 3)");
        var summer = data.Scalar($"SELECT count(*) FROM diagnoses WHERE regexp_matches(icd10, '^J1[01]|^J09') AND {starting} AND service_month % 100 IN (6, 7, 8, 9)");
        Assert.True(winter > 5 * summer, $"influenza winter {winter}, summer {summer}");
        var heat = data.Scalar($"SELECT count(*) FROM diagnoses WHERE icd10 LIKE 'T67%' AND {starting} AND service_month % 100 IN (7, 8)");
        var cold = data.Scalar($"SELECT count(*) FROM diagnoses WHERE icd10 LIKE 'T67%' AND {starting} AND service_month % 100 IN (12, 1, 2)");
        Assert.True(heat > 3 * cold, $"heat stroke July–August {heat}, December–February {cold}");
    }

    [Fact]
    public void Outpatient_receipts_have_no_reliable_main_diagnosis_but_inpatient_ones_do()
    {
        Assert.True(data.Scalar("""
            SELECT avg(has_main) FROM (SELECT r.receipt_id, max(d.is_main::INT) AS has_main FROM receipts r JOIN diagnoses d USING (receipt_id)
            WHERE r.claim_kind IN (1, 3) GROUP BY ALL)
            """) > 0.99);
        Assert.InRange(data.Scalar("""
            SELECT avg(has_main) FROM (SELECT r.receipt_id, max(d.is_main::INT) AS has_main FROM receipts r JOIN diagnoses d USING (receipt_id)
            WHERE r.claim_kind = 2 GROUP BY ALL)
            """), 0.1, 0.6);
        Assert.InRange(data.Scalar("SELECT avg(is_suspected::INT) FROM diagnoses"), 0.02, 0.25);
    }

    /// <summary>
    /// clinical.json's "who": menopause (N951) only for women 40–64, dysmenorrhoea (N944–N946) only for women 10–49,
    /// acne (L70) only from 10 to 49, frozen shoulder (M750) from 30, insomnia (G470, G479) from 15. A clinic keeps
    /// some diagnoses listed for up to 24 months after the visit, so a receipt's age may run two years past the last;
    /// sex never changes.
    /// </summary>
    [Fact]
    public void Minor_complaints_befall_only_the_sex_and_ages_that_can_have_them()
    {
        double Count(string where) => data.Scalar($"SELECT count(*) FROM diagnoses d JOIN receipts r USING (receipt_id) WHERE {where}");
        Assert.True(Count("d.icd10 = 'N951'") > 100, "menopause diagnoses");
        Assert.True(Count("d.icd10 IN ('N944', 'N945', 'N946')") > 100, "dysmenorrhoea diagnoses");
        Assert.True(Count("starts_with(d.icd10, 'L70')") > 100, "acne diagnoses");
        Assert.Equal(0, Count("d.icd10 = 'N951' AND (r.sex = 1 OR r.age NOT BETWEEN 40 AND 66)"));
        Assert.Equal(0, Count("d.icd10 IN ('N944', 'N945', 'N946') AND (r.sex = 1 OR r.age NOT BETWEEN 10 AND 51)"));
        Assert.Equal(0, Count("starts_with(d.icd10, 'L70') AND r.age NOT BETWEEN 10 AND 51"));
        Assert.Equal(0, Count("d.icd10 = 'M750' AND r.age < 30"));
        Assert.Equal(0, Count("d.icd10 IN ('G470', 'G479') AND r.age < 15"));
    }

    /// <summary>
    /// An episode's drugs are drawn by clinical.json's weights: influenza's antivirals and 麻黄湯 (no other reason
    /// lists them) appear, by ingredient (the YJ code's first nine characters), in proportion to their weights. Drawn
    /// alike, zanamivir (weight 0.03 of 0.83) would have a sixth of the lines.
    /// </summary>
    [Fact]
    public void Episode_drugs_follow_their_weights()
    {
        // By ingredient (the YJ code's first seven characters): a young child gets it as a dry syrup.
        var influenza = s_model.Clinical.Acute.Single(a => a.Id == "influenza").Drugs!.Items;
        var others = s_model.Clinical.Conditions.Concat(s_model.Clinical.Acute).Concat(s_model.Clinical.Minor)
            .Where(d => d.Id != "influenza").SelectMany(d => d.Drugs?.Items ?? []).Select(d => d.Yj[..7]).ToHashSet();
        var weights = influenza.Where(d => !others.Contains(d.Yj[..7])).GroupBy(d => d.Yj[..7]).ToDictionary(g => g.Key, g => g.Sum(d => d.Weight));
        Assert.True(weights.Count >= 3, "influenza's own ingredients");
        var lines = weights.Keys.ToDictionary(yj => yj, yj => data.Scalar($"SELECT count(*) FROM drugs WHERE left(yj_code, 7) = '{yj}'"));
        Assert.True(lines.Values.Sum() > 1000, "influenza prescriptions");
        foreach (var (yj, weight) in weights)
        {
            var (expected, observed) = (weight / weights.Values.Sum(), lines[yj] / lines.Values.Sum());
            Assert.True(Math.Abs(observed - expected) < 0.05, $"{yj}: {observed:P1} of the lines, weight {expected:P1}");
        }
    }

    /// <summary>
    /// A child's oral line is von Harnack's share of the adult's daily quantity for the age (6 months 1/5, 1 year
    /// 1/4, 3 years 1/3, 7.5 years 1/2, 12 years 2/3, adult from 15, read between the points at the middle of the
    /// year): tablets and capsules to the nearest half, half at least, powders and liquids to a thousandth. Under 7 an
    /// ingredient the price list has as a powder or syrup is never given as a tablet.
    /// </summary>
    [Fact]
    public void Children_get_their_age_s_share_of_the_adult_dose_and_young_children_powders()
    {
        double[] ages = [0.5, 1, 3, 7.5, 12, 15], shares = [0.2, 0.25, 0.333, 0.5, 0.667, 1];
        double Share(int age)
        {
            var at = age + 0.5;
            if (at <= ages[0]) return shares[0];
            var i = 1;
            while (ages[i] < at) i++;
            return shares[i - 1] + (shares[i] - shares[i - 1]) * (at - ages[i - 1]) / (ages[i] - ages[i - 1]);
        }
        // Every product an oral drug of clinical.json may be dispensed as, with its adult daily quantity, and whether it
        // is an adult form a young child must not get.
        var options = s_model.Clinical.Conditions.Concat(s_model.Clinical.Acute).Concat(s_model.Clinical.Minor)
            .SelectMany(d => d.Drugs?.Items ?? []).Where(d => d.Oral)
            .SelectMany(d => d.Brands.Concat(d.Generics).Append(d).Select(p => (p.Code, p.DailyQuantity, Tablet: p.Yj[7] is >= 'F' and <= 'P', Adult: d.Child is not null))
                .Concat(d.Child is { } child ? child.Brands.Concat(child.Generics).Append(child).Select(p => (p.Code, p.DailyQuantity, Tablet: false, Adult: false)) : []))
            .ToLookup(o => o.Code);
        var lines = new List<(string Code, double Quantity, int Age)>();
        using (var command = data.Duck.CreateCommand())
        {
            command.CommandText = """
                SELECT d.code, d.quantity::DOUBLE, r.age FROM drugs d JOIN receipts r USING (receipt_id)
                WHERE d.shinryo_shikibetsu = 21 AND r.age < 15 ORDER BY d.receipt_id, d.code LIMIT 30000
                """;
            using var reader = command.ExecuteReader();
            while (reader.Read()) lines.Add((reader.GetString(0), reader.GetDouble(1), reader.GetInt32(2)));
        }
        Assert.True(lines.Count > 5000, $"only {lines.Count} children's oral lines");
        Assert.Contains(lines, l => l.Age < 3);
        var checkedLines = 0;
        foreach (var (code, quantity, age) in lines)
        {
            // An admission's infusions are billed on the same lines, whole.
            if (!options.Contains(code)) continue;
            checkedLines++;
            var fits = options[code].Where(o => age >= 7 || !o.Adult).Select(o => o.Tablet
                ? Math.Max(0.5, Math.Round(o.DailyQuantity * Share(age) * 2, MidpointRounding.AwayFromZero) / 2)
                : Math.Max(0.001, Math.Round(o.DailyQuantity * Share(age), 3))).ToArray();
            Assert.True(fits.Any(q => Math.Abs(q - quantity) < 1e-4),
                $"{code} at age {age}: {quantity} a day, where the dose would be {string.Join(" or ", fits)}");
        }
        Assert.True(checkedLines > 0.95 * lines.Count, $"{checkedLines} of {lines.Count} lines are oral drugs");
        // Amoxicillin 250 mg capsules three times a day hold 750 mg: a young child's granules, the first amoxicillin
        // granules in YJ order (10%, 100 mg a gram), hold the same in 7.5 g before the cut.
        var amoxicillin = s_model.Clinical.Acute.SelectMany(a => a.Drugs?.Items ?? []).First(d => d.Code == "620009117");
        Assert.Equal("6131001C1", amoxicillin.Child!.Yj[..9]);
        Assert.Equal(7.5, amoxicillin.Child.DailyQuantity, 3);
    }

    /// <summary>
    /// A drug clinical.json gives only from some age on (fromAge: quinolones, newer antihistamines, triptans,
    /// tetracyclines under 8 …) never reaches a younger patient, on any receipt, and does reach older ones.
    /// </summary>
    [Fact]
    public void Drugs_for_older_patients_never_reach_the_young()
    {
        // A product is limited only if every drug it may be dispensed for is: the lowest limit among them.
        var limits = s_model.Clinical.Conditions.Concat(s_model.Clinical.Acute).Concat(s_model.Clinical.Minor)
            .SelectMany(d => d.Drugs?.Items ?? []).SelectMany(d => d.Dispensable.Select(code => (Code: code, d.FromAge)))
            .GroupBy(x => x.Code).Select(g => (Code: g.Key, FromAge: g.Min(x => x.FromAge))).Where(x => x.FromAge > 0).ToArray();
        Assert.True(limits.Length >= 10, $"only {limits.Length} products limited by age");
        Assert.Contains(limits, l => l.FromAge == 8);
        var limited = $"""
            FROM drugs d JOIN receipts r USING (receipt_id)
            JOIN (VALUES {string.Join(", ", limits.Select(l => $"('{l.Code}', {l.FromAge})"))}) l(code, from_age) USING (code)
            """;
        Assert.Equal(0, data.Scalar($"SELECT count(*) {limited} WHERE r.age < l.from_age"));
        Assert.True(data.Scalar($"SELECT count(*) {limited} WHERE r.age >= l.from_age AND r.age < 20") > 50, "the limited drugs reach the young old enough for them");
    }

    /// <summary>
    /// 乳幼児加算: on a medical outpatient receipt, each first visit and revisit (clinic or hospital) of a patient
    /// under six carries its add-on as many times, and each prescription slip or in-house prescription of one under
    /// three; never older.
    /// </summary>
    [Fact]
    public void Fees_of_infants_carry_the_infant_add_ons()
    {
        var fees = s_model.Clinical.Fees;
        (string Fee, string AddOn, int Under)[] pairs =
        [
            (fees.FirstVisit.Code, "111000370", 6), (fees.Revisit.Code, "112000970", 6), (fees.HospitalRevisit.Code, "112006270", 6),
            (fees.PrescriptionSlip.Code, "120002470", 3), (fees.InhousePrescription.Code, "120002170", 3),
        ];
        var times = string.Join(", ", pairs.SelectMany((p, i) => new[]
        {
            $"coalesce(sum(p.times) FILTER (p.code = '{p.Fee}'), 0) AS fee{i}", $"coalesce(sum(p.times) FILTER (p.code = '{p.AddOn}'), 0) AS addon{i}",
        }));
        var receipts = $"SELECT r.receipt_id, any_value(r.age) AS age, {times} FROM receipts r JOIN procedures p USING (receipt_id) WHERE r.claim_kind = 2 GROUP BY ALL";
        for (var i = 0; i < pairs.Length; i++)
        {
            var under = pairs[i].Under;
            Assert.Equal(0, data.Scalar($"SELECT count(*) FROM ({receipts}) WHERE age < {under} AND fee{i} <> addon{i}"));
            Assert.Equal(0, data.Scalar($"SELECT count(*) FROM ({receipts}) WHERE age >= {under} AND addon{i} > 0"));
            // The generator sends infants' episodes and complaints to clinics, so 外来診療料's add-on is only seen never to go wrong.
            if (i != 2) Assert.True(data.Scalar($"SELECT count(*) FROM ({receipts}) WHERE age < {under} AND addon{i} > 0") > 100, $"{pairs[i].AddOn} billed to infants");
        }
    }
}
