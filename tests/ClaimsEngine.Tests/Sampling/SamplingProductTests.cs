using Apache.Arrow;
using Claims.Engine.Query;
using Claims.Engine.Sampling;
using Claims.Engine.Storage;

namespace Claims.Engine.Tests.Sampling;

public class SamplingProductTests(SampleFixture data) : IClassFixture<SampleFixture>
{
    private static readonly string[] s_lineTables = ["diagnoses", "procedures", "drugs", "devices", "dpc"];

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
    public void Every_stratum_keeps_round_rate_times_its_eligible_claims()
    {
        const string strata = "select service_month, claim_kind, sex, age // 5, count(*) from {0} {1} group by all";
        var source = data.Oracle.Rows(string.Format(strata, "src_receipts", "where " + Eligible)).ToDictionary(Stratum, r => Convert.ToInt64(r[4]));
        var sample = data.Oracle.Rows(string.Format(strata, "smp_receipts", "")).ToDictionary(Stratum, r => Convert.ToInt64(r[4]));
        Assert.Empty(sample.Keys.Except(source.Keys));
        var rates = SampledClaimKind.Ndb.ToDictionary(k => (long)k.ClaimKind, k => k.Rate);
        foreach (var (stratum, eligible) in source)
            Assert.True(Math.Round(rates[stratum.Item2] * eligible, MidpointRounding.AwayFromZero) == sample.GetValueOrDefault(stratum), $"stratum {stratum}: {eligible} eligible, {sample.GetValueOrDefault(stratum)} drawn");

        // Drawn claims are the source's, unchanged where the product does not blank them.
        Assert.Equal(data.Sample.Table("receipts").RowCount, data.Oracle.Scalar("""
            select count(*) from smp_receipts s join src_receipts r using (receipt_id)
            where s.service_month = r.service_month and s.claim_kind = r.claim_kind and s.sex = r.sex and s.age = r.age
              and s.total_points = r.total_points and s.facility_id = r.facility_id
            """));
    }

    private static (long, long, long, long) Stratum(object?[] row) =>
        (Convert.ToInt64(row[0]), Convert.ToInt64(row[1]), Convert.ToInt64(row[2]), Convert.ToInt64(row[3]));

    [Fact]
    public void Inpatient_and_dpc_claims_are_drawn_at_ten_percent_outpatient_and_pharmacy_at_one()
    {
        foreach (var kind in SampledClaimKind.Ndb)
        {
            var eligible = data.Oracle.Scalar($"select count(*) from src_receipts where {Eligible} and claim_kind = {kind.ClaimKind}");
            var strata = data.Oracle.Scalar($"select count(distinct (service_month, sex, age // 5)) from src_receipts where {Eligible} and claim_kind = {kind.ClaimKind}");
            var drawn = data.Oracle.Scalar($"select count(*) from smp_receipts where claim_kind = {kind.ClaimKind}");
            // Rounding within a stratum moves the count by at most half a claim.
            Assert.InRange(drawn, kind.Rate * eligible - strata / 2.0, kind.Rate * eligible + strata / 2.0);
            Assert.InRange(drawn / (double)eligible, kind.Rate * 0.7, kind.Rate * 1.3);
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
        foreach (var table in s_lineTables)
        {
            var sourceLines = data.Oracle.Scalar($"select count(*) from src_{table} where receipt_id in (select receipt_id from smp_receipts)");
            if (data.Sample.Table(table).RowCount == 0)
            {
                Assert.Equal(0, sourceLines);
                continue;
            }
            Assert.Equal(sourceLines, data.Sample.Table(table).RowCount);
            Assert.Equal(0, data.Oracle.Scalar($"""
                select count(*) from (select receipt_id, service_month, count(*) c from smp_{table} group by all) s
                full join (select receipt_id, service_month, count(*) c from src_{table}
                           where receipt_id in (select receipt_id from smp_receipts) group by all) r using (receipt_id, service_month)
                where s.c is distinct from r.c
                """));
            Assert.Equal(0, data.Oracle.Scalar($"select count(*) from smp_{table} l anti join smp_receipts r using (receipt_id, service_month)"));
        }
        Assert.Equal(0, data.Oracle.Scalar("""
            select count(*) from (select receipt_id, sum(points * times) p from smp_procedures group by 1) s
            join (select receipt_id, sum(points * times) p from src_procedures group by 1) r using (receipt_id) where s.p <> r.p
            """));
    }

    [Fact]
    public void Prefecture_insurer_and_every_identity_key_are_blank()
    {
        Assert.Equal(0, data.Oracle.Scalar("""
            select count(*) from smp_receipts where prefecture is not null or insurer_kind is not null
              or id1 is not null or id2 is not null or id5 is not null or patient_id is not null
            """));
        foreach (var table in s_lineTables.Where(t => data.Sample.Table(t).RowCount > 0))
            Assert.Equal(0, data.Oracle.Scalar($"select count(*) from smp_{table} where patient_id is not null"));
        var provenance = data.Sample.Manifest.Provenance;
        Assert.True(provenance.Synthetic);
        Assert.Equal(data.Source.Manifest.Access, data.Sample.Manifest.Access);
        Assert.Equal("5", provenance.Parameters["sample.seed"]);
        Assert.Equal("1,4,7,10", provenance.Parameters["sample.months"]);
    }

    [Fact]
    public void The_rarest_codes_are_masked_up_to_the_bound_and_no_further()
    {
        var groups = SampledClaimKind.Ndb.GroupBy(k => k.Group).ToDictionary(g => g.Key, g => string.Join(", ", g.Select(k => k.ClaimKind)));
        Assert.True(data.Summary.Masks.Sum(m => m.MaskedOccurrences) > 0, "some code should be rare enough to mask");
        foreach (var mask in data.Summary.Masks)
        {
            var (table, column) = (mask.Column.Split('.')[0], mask.Column.Split('.')[1]);
            var counts = data.Oracle.Rows($"""
                select l.{column}, count(*) from smp_{table} l join smp_receipts r using (receipt_id)
                where r.claim_kind in ({groups[mask.Group]}) and l.{column} is not null group by 1
                """).ToDictionary(r => (string)r[0]!, r => Convert.ToInt64(r[1]));
            Assert.Equal(mask.Occurrences, counts.Values.Sum());
            Assert.Equal(mask.MaskedOccurrences, counts.GetValueOrDefault(MaskedColumn.Code));
            Assert.True(mask.MaskedOccurrences <= mask.Bound * mask.Occurrences, $"{mask}");
            // The rarest code left unmasked would have passed the bound.
            var rarestLeft = counts.Where(c => c.Key != MaskedColumn.Code).Min(c => c.Value);
            Assert.True(mask.MaskedOccurrences + rarestLeft > mask.Bound * mask.Occurrences, $"{mask}: a code of {rarestLeft} still fits");
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
        data.Sample.Execute("""{"from": "diagnoses", "where": {"col": "icd10", "prefix": "999"}, "select": [{"count": "*", "as": "n"}]}""");
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

        SamplingProduct.Write(data.Source, data.Folder("other"), new SampleOptions { Seed = 6 });
        using var other = Dataset.Open(data.Folder("other"));
        Assert.NotEqual(ReceiptIds(data.Sample), ReceiptIds(other));
    }

    private static Dictionary<string, byte[]> Files(Dataset dataset)
    {
        var root = Path.Combine(dataset.Directory, dataset.Manifest.Generation);
        return Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(root, f), File.ReadAllBytes);
    }

    private static long[] ReceiptIds(Dataset dataset) =>
        dataset.Table("receipts").Partitions.SelectMany(p => p.Column("receipt_id").Values<long>().ToArray()).ToArray();
}
