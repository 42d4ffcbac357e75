using Apache.Arrow;
using Claims.Engine.Linkage;
using Claims.Engine.Query;
using Claims.Engine.Schema;
using Claims.Engine.Sampling;
using Claims.Engine.Storage;

namespace Claims.Engine.Tests.Sampling;

public class SamplingProductTests(SampleFixture data) : IClassFixture<SampleFixture>
{
    private static readonly string[] s_lineTables = ["diagnoses", "procedures", "drugs", "devices", "dpc"];

    /// <summary>
    /// docs/sampling.md, written here rather than read from the code under test: medical inpatient (claim_kind 1) and
    /// DPC (3) claims at 10%, outpatient (2) and pharmacy (4) at 1%; dropped from 700,000 and 50,000 points.
    /// </summary>
    private static readonly (int ClaimKind, string Name, decimal Rate)[] s_documentedKinds =
        [(1, "inpatient", 0.10m), (3, "dpc", 0.10m), (2, "outpatient", 0.01m), (4, "pharmacy", 0.01m)];

    /// <summary>docs/sampling.md: rare codes are masked up to 0.1% of occurrences in the inpatient group, 0.01% in the outpatient one.</summary>
    private static readonly Dictionary<string, (string ClaimKinds, double Share)> s_documentedGroups = new()
    {
        ["inpatient"] = ("1, 3", 0.001),
        ["outpatient"] = ("2, 4", 0.0001),
    };

    /// <summary>docs/sampling.md: the masked code columns, and the columns that go with them so as not to give a masked code away.</summary>
    private static readonly string[] s_maskedColumns = ["diagnoses.disease_code", "procedures.code", "drugs.code", "devices.code", "dpc.dpc_code"];
    private static readonly string[] s_maskedWith = ["diagnoses.icd10", "drugs.yj_code", "receipts.dpc_code"];

    private const string Eligible = """
        service_month % 100 in (1, 4, 7, 10) and claim_kind in (1, 2, 3, 4)
        and total_points < case when claim_kind in (1, 3) then 700000 else 50000 end
        """;

    [Fact]
    public void Only_January_April_July_and_October_and_no_checkups()
    {
        foreach (var table in data.Sample.Tables)
            Assert.All(table.Partitions, p => Assert.Contains(p.Key % 100, new[] { 1, 4, 7, 10 }));
        Assert.Equal(4, data.Sample.Table("receipts").Partitions.Count);
        Assert.Equal(0, data.Sample.Table("checkups").RowCount);
    }

    [Fact]
    public void Every_month_and_kind_keeps_round_rate_times_its_eligible_claims_shared_by_largest_remainder()
    {
        const string strata = "select service_month, claim_kind, sex, age // 5, count(*) from {0} {1} group by all";
        var source = data.Oracle.Rows(string.Format(strata, "src_receipts", "where " + Eligible)).ToDictionary(Stratum, r => Convert.ToInt64(r[4]));
        var sample = data.Oracle.Rows(string.Format(strata, "smp_receipts", "")).ToDictionary(Stratum, r => Convert.ToInt64(r[4]));
        Assert.Empty(sample.Keys.Except(source.Keys));
        var rates = s_documentedKinds.ToDictionary(k => (long)k.ClaimKind, k => k.Rate);
        foreach (var monthKind in source.GroupBy(s => (s.Key.Item1, s.Key.Item2)))
        {
            var rate = rates[monthKind.Key.Item2];
            var eligible = monthKind.Sum(s => s.Value);
            var drawn = monthKind.Sum(s => sample.GetValueOrDefault(s.Key));
            Assert.True(Math.Round(rate * eligible, MidpointRounding.AwayFromZero) == drawn, $"{monthKind.Key}: {eligible} eligible, {drawn} drawn");
            foreach (var (stratum, members) in monthKind)
                Assert.InRange(sample.GetValueOrDefault(stratum), decimal.Floor(rate * members), decimal.Ceiling(rate * members));
        }
    }

    private static (long, long, long, long) Stratum(object?[] row) =>
        (Convert.ToInt64(row[0]), Convert.ToInt64(row[1]), Convert.ToInt64(row[2]), Convert.ToInt64(row[3]));

    [Fact]
    public void Inpatient_and_dpc_claims_are_drawn_at_ten_percent_outpatient_and_pharmacy_at_one()
    {
        Assert.Equal(s_documentedKinds.Select(k => k.Name).Order(), data.Summary.Kinds.Select(k => k.Kind).Order());
        foreach (var kind in s_documentedKinds)
        {
            var eligible = data.Oracle.Scalar($"select count(*) from src_receipts where {Eligible} and claim_kind = {kind.ClaimKind}");
            var drawn = data.Oracle.Scalar($"select count(*) from smp_receipts where claim_kind = {kind.ClaimKind}");
            // Only each of the four months' totals is rounded, by at most half a claim.
            Assert.InRange(drawn, kind.Rate * eligible - 2, kind.Rate * eligible + 2);
            Assert.True(drawn > 0, $"no {kind.Name} claim drawn: the comparison would prove little");
            var summary = data.Summary.Kinds.Single(k => k.Kind == kind.Name);
            Assert.Equal(drawn, summary.Drawn);
            Assert.Equal(eligible, summary.Source - summary.HighCost);
        }
    }

    [Fact]
    public void No_high_cost_or_dental_claim_is_drawn()
    {
        Assert.Equal(0, data.Oracle.Scalar("""
            select count(*) from smp_receipts
            where claim_kind not in (1, 2, 3, 4) or total_points >= case when claim_kind in (1, 3) then 700000 else 50000 end
            """));
        Assert.True(data.Summary.Kinds.Sum(k => k.HighCost) > 0, "the source should hold some very high-cost claims to drop");
    }

    [Fact]
    public void A_drawn_receipt_brings_all_its_lines_and_no_other_lines_come()
    {
        // The sample's ids are new, so a sampled receipt is matched to the source by what it holds: its columns left
        // alone and, per line table, its lines and their points. Every sampled receipt must be a source receipt whole.
        Assert.Equal(0, data.Oracle.Scalar($"select count(*) from ({Signatures("smp_")} except all {Signatures("src_")})"));
        foreach (var table in s_lineTables.Where(t => data.Sample.Table(t).RowCount > 0))
            Assert.Equal(0, data.Oracle.Scalar($"select count(*) from smp_{table} l anti join smp_receipts r using (receipt_id, service_month)"));
    }

    /// <summary>One row per receipt of the dataset with that prefix: its unblanked columns and its lines' counts and sums.</summary>
    private string Signatures(string prefix)
    {
        var joins = s_lineTables.Select(t => data.Oracle.Scalar($"select count(*) from information_schema.tables where table_name = '{prefix}{t}'") == 0
            ? $"(select null::bigint receipt_id, 0 n, 0 p) {t}"
            : $"(select receipt_id, count(*) n, {(t == "procedures" ? "sum(points * times)" : "0")} p from {prefix}{t} group by 1) {t}");
        return $"""
            select r.service_month, r.claim_kind, r.receipt_type, r.sex, r.age, r.total_points, r.actual_days, r.admission_date,
                   {string.Join(", ", s_lineTables.Select(t => $"coalesce({t}.n, 0), coalesce({t}.p, 0)"))}
            from {prefix}receipts r {string.Concat(joins.Select((j, i) => $" left join {j} on {s_lineTables[i]}.receipt_id = r.receipt_id"))}
            """;
    }

    [Fact]
    public void Receipts_are_numbered_anew_from_one()
    {
        var ids = ReceiptIds(data.Sample);
        Assert.Equal(Enumerable.Range(1, ids.Length).Select(i => (long)i), ids.Order());
        Assert.Equal(0, data.Oracle.Scalar("select count(*) from smp_receipts s semi join src_receipts r using (receipt_id)"));
        foreach (var table in s_lineTables.Where(t => data.Sample.Table(t).RowCount > 0))
            Assert.Equal(0, data.Oracle.Scalar($"select count(*) from smp_{table} s semi join src_{table} r using (receipt_id)"));
        // Rows go in the order of the new ids, not the source's (by person), which would link claims as well.
        foreach (var partition in data.Sample.Table("receipts").Partitions)
            Assert.True(partition.Column("receipt_id").Values<long>().ToArray().SequenceEqual(partition.Column("receipt_id").Values<long>().ToArray().Order()));
    }

    [Fact]
    public void Prefecture_insurer_and_every_identity_key_are_blank()
    {
        Assert.Equal(0, data.Oracle.Scalar("""
            select count(*) from smp_receipts where prefecture is not null or insurer_kind is not null
              or facility_id is not null or birth_ym is not null or id1 is not null or id2 is not null or id5 is not null or patient_id is not null
            """));
        foreach (var table in s_lineTables.Where(t => data.Sample.Table(t).RowCount > 0))
            Assert.Equal(0, data.Oracle.Scalar($"select count(*) from smp_{table} where patient_id is not null"));
        // A pharmacy line's prescriber is a facility too; the sample drew pharmacy lines, and none keeps it.
        Assert.True(data.Oracle.Scalar("select count(*) from smp_drugs d join smp_receipts r using (receipt_id) where r.claim_kind = 4") > 0);
        Assert.True(data.Oracle.Scalar("select count(*) from src_drugs where prescriber_id is not null") > 0);
        Assert.Equal(0, data.Oracle.Scalar("select count(*) from smp_drugs where prescriber_id is not null"));
        var provenance = data.Sample.Manifest.Provenance;
        Assert.True(provenance.Synthetic);
        Assert.Equal(data.Source.Manifest.Access, data.Sample.Manifest.Access);
        Assert.Equal("5", provenance.Parameters["sample.seed"]);
        Assert.Equal("1,4,7,10", provenance.Parameters["sample.months"]);
    }

    [Fact]
    public void Linking_the_sample_is_refused_naming_a_receipt_without_identity_hashes()
    {
        var before = DatasetManifest.Read(data.Sample.Directory).Generation;
        var error = Assert.Throws<ClaimsException>(() => PatientIdWriter.Write(data.Sample.Directory));
        Assert.Matches(@"^receipts/\d{6} row \d+: no identity hash to link by", error.Message);
        Assert.Equal(before, DatasetManifest.Read(data.Sample.Directory).Generation);
    }

    [Fact]
    public void The_rarest_codes_are_masked_up_to_the_bound_and_no_further()
    {
        Assert.True(data.Summary.Masks.Sum(m => m.MaskedOccurrences) > 0, "some code should be rare enough to mask");
        // Every documented column has a line (a group without any of its codes has none), and no other column does.
        Assert.Equal(s_maskedColumns.Order(), data.Summary.Masks.Select(m => m.Column).Distinct().Order());
        foreach (var mask in data.Summary.Masks)
        {
            var (claimKinds, share) = s_documentedGroups[mask.Group];
            Assert.Equal(share, mask.Bound);
            var (table, column) = (mask.Column.Split('.')[0], mask.Column.Split('.')[1]);
            var counts = data.Oracle.Rows($"""
                select l.{column}, count(*) from smp_{table} l join smp_receipts r using (receipt_id)
                where r.claim_kind in ({claimKinds}) and l.{column} is not null group by 1
                """).ToDictionary(r => (string)r[0]!, r => Convert.ToInt64(r[1]));
            Assert.Equal(mask.Occurrences, counts.Values.Sum());
            Assert.Equal(mask.MaskedOccurrences, counts.GetValueOrDefault(MaskedColumn.Code));
            if (mask.Occurrences == 0) continue;
            Assert.True(mask.MaskedOccurrences <= share * mask.Occurrences, $"{mask}");
            // The rarest code left unmasked would have passed the bound.
            var rarestLeft = counts.Where(c => c.Key != MaskedColumn.Code).Min(c => c.Value);
            Assert.True(mask.MaskedOccurrences + rarestLeft > share * mask.Occurrences, $"{mask}: a code of {rarestLeft} still fits");
        }
        // The masked code appears in no other column.
        foreach (var table in data.Sample.Tables.Where(t => t.RowCount > 0))
        {
            foreach (var column in table.Schema.Columns.Where(c => c.Type.IsDictionary() && !s_maskedColumns.Concat(s_maskedWith).Contains($"{table.Name}.{c.Name}")))
                Assert.Equal(0, data.Oracle.Scalar($"select count(*) from smp_{table.Name} where {column.Name}::varchar = '{MaskedColumn.Code}'"));
        }
        // A masked code takes its giveaways with it (NULL stays NULL); an unmasked one keeps them.
        Assert.Equal(0, data.Oracle.Scalar("select count(*) from smp_diagnoses where disease_code = '9999999' and (disease_name is not null or icd10 <> '9999999')"));
        Assert.Equal(0, data.Oracle.Scalar("select count(*) from smp_diagnoses where disease_code <> '9999999' and icd10 = '9999999'"));
        Assert.Equal(0, data.Oracle.Scalar("select count(*) from smp_drugs where (code = '9999999') <> (yj_code = '9999999')"));
        Assert.Equal(0, data.Oracle.Scalar("select count(*) from smp_receipts r join smp_dpc d using (receipt_id) where (r.dpc_code = '9999999') <> (d.dpc_code = '9999999')"));
    }

    [Fact]
    public void Queries_find_the_masked_code()
    {
        var masked = data.Summary.Masks.Where(m => m.Column == "procedures.code").Sum(m => m.MaskedOccurrences);
        var result = data.Sample.Execute("""{"from": "procedures", "where": {"col": "code", "eq": "9999999"}, "select": [{"count": "*", "as": "n"}]}""");
        Assert.Equal(masked, ((Int64Array)result.Column(0)).GetValue(0));
        var icd10 = data.Sample.Execute("""{"from": "diagnoses", "where": {"col": "icd10", "prefix": "999"}, "select": [{"count": "*", "as": "n"}]}""");
        // A masked disease code takes its icd10 with it, and no real ICD-10 code starts with 999.
        var maskedDiseases = data.Summary.Masks.Where(m => m.Column == "diagnoses.disease_code").Sum(m => m.MaskedOccurrences);
        Assert.Equal(maskedDiseases, data.Oracle.Scalar("select count(*) from smp_diagnoses where starts_with(icd10, '999')"));
        Assert.Equal(maskedDiseases, ((Int64Array)icd10.Column(0)).GetValue(0));
    }

    [Fact]
    public void The_same_seed_gives_the_same_files_and_another_seed_other_claims()
    {
        SamplingProduct.Write(data.Source, data.Folder("again"), new SampleOptions { Seed = 5 });
        using var again = Dataset.Open(data.Folder("again"));
        var first = Files(data.Sample);
        var second = Files(again);
        Assert.Equal(first.Keys.Order(), second.Keys.Order());
        foreach (var (file, bytes) in first) Assert.True(bytes.AsSpan().SequenceEqual(second[file]), $"{file} differs");

        // Ids are renumbered 1..N whatever was drawn, so another seed must be shown to draw other receipts: their
        // contents differ both ways, while the same seed's contents are the same.
        SamplingProduct.Write(data.Source, data.Folder("other"), new SampleOptions { Seed = 6 });
        using var other = Dataset.Open(data.Folder("other"));
        data.Oracle.Load(again, data.Folder("parquet-again"), "again_");
        data.Oracle.Load(other, data.Folder("parquet-other"), "other_");
        Assert.Equal(0, data.Oracle.Scalar($"select count(*) from ({Signatures("smp_")} except all {Signatures("again_")})"));
        Assert.True(data.Oracle.Scalar($"select count(*) from ({Signatures("smp_")} except all {Signatures("other_")})") > 0, "seed 6 drew the same receipts as seed 5");
        Assert.True(data.Oracle.Scalar($"select count(*) from ({Signatures("other_")} except all {Signatures("smp_")})") > 0, "seed 6 drew the same receipts as seed 5");
    }

    private static Dictionary<string, byte[]> Files(Dataset dataset)
    {
        var root = Path.Combine(dataset.Directory, dataset.Manifest.Generation);
        return Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(root, f), File.ReadAllBytes);
    }

    private static long[] ReceiptIds(Dataset dataset) =>
        dataset.Table("receipts").Partitions.SelectMany(p => p.Column("receipt_id").Values<long>().ToArray()).ToArray();
}
