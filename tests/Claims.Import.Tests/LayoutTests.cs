using Claims.Engine.Schema;
using Claims.Engine.Storage;

namespace Claims.Import.Tests;

/// <summary>Fixtures written from the record layouts: the 和暦 layout and a public-payer-only receipt.</summary>
public sealed class LayoutTests : IDisposable
{
    private readonly ImportFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void The_japanese_era_layout_reads_as_the_same_dates_beside_a_western_file()
    {
        // 平成31年4月 billing (43104), 平成31年3月 service (43103), born 昭和55年5月5日 (3550505), 令和 not yet begun.
        string[] era =
        [
            "IR,1,13,1,1234567,,テスト医院,43104,00,0312345678",
            UkeText.Re(1, "1112", "43103", "山田　太郎", 1, "3550505", "ヤマダ　タロウ"),
            "HO,06130012,１２３,４５６,1,73,,,,,,,,,",
            "SY,8833421,4310301,1,,,01,",
            UkeText.Item("SI", "12", "112007410", 73, 1, 4),
            "GO,1,73,99",
        ];
        var report = UkeImporter.Run(new UkeImportOptions
        {
            Inputs = [_fixture.Write("ERA.UKE", era), _fixture.Write("WESTERN.UKE", UkeText.Valid())],
            Out = _fixture.Out,
            SaltFile = _fixture.Salt,
        });

        // Each file's convention is its own: one import reads both layouts.
        Assert.Equal(["ERA.UKE", "WESTERN.UKE"], report.Files.Select(f => Path.GetFileName(f.Path)));
        Assert.StartsWith("japanese-era", report.Files[0].DateConvention);
        Assert.StartsWith("western", report.Files[1].DateConvention);
        Assert.Equal(3, report.ReceiptsImported);
        Assert.Equal(201904, report.Files[0].BillingMonth);
        using var dataset = Dataset.Open(_fixture.Out);
        var receipts = dataset.Table("receipts").Partitions.First();
        Assert.Equal([201903, 202403], dataset.Table("receipts").Partitions.Select(p => p.Key));
        Assert.Equal(198005, receipts.Column("birth_ym").Values<int>()[0]);
        Assert.Equal(38, receipts.Column("age").Values<short>()[0]);
        var diagnoses = dataset.Table("diagnoses").Partitions.First();
        Assert.Equal(new DateOnly(2019, 3, 1), DateDays.ToDate(diagnoses.Column("start_date").Values<int>()[0]));
    }

    [Fact]
    public void A_public_payer_only_receipt_takes_its_total_and_days_from_ko()
    {
        var report = _fixture.Import(_fixture.Write("MIXED.UKE", UkeText.Valid()));

        Assert.Equal(2, report.ReceiptsImported);
        Assert.Equal(196 + 288, report.PointsImported);
        Assert.Equal(2, report.Patients);
        using var dataset = Dataset.Open(_fixture.Out);
        var receipts = Assert.Single(dataset.Table("receipts").Partitions);
        var types = receipts.Column("receipt_type").Values<short>().ToArray();
        var row = Array.IndexOf(types, (short)1212);
        Assert.Equal(288, receipts.Column("total_points").Values<int>()[row]);
        Assert.Equal(1, receipts.Column("actual_days").Values<short>()[row]);
        // No insurer on a public-payer-only receipt; the insured one is a 健保組合 (法別番号 06).
        Assert.True(receipts.Column("insurer_kind").IsNull(row));
        Assert.Equal(2, receipts.Column("insurer_kind").Values<sbyte>()[1 - row]);
        Assert.False(receipts.Column("id1").IsNull(row));
        Assert.False(receipts.Column("patient_id").IsNull(row));
    }

    [Fact]
    public void Inherited_shikibetsu_uncoded_names_and_suspected_modifiers_are_kept()
    {
        _fixture.Import(_fixture.Write("MIXED.UKE", UkeText.Valid()));

        using var dataset = Dataset.Open(_fixture.Out);
        var procedures = Assert.Single(dataset.Table("procedures").Partitions);
        var codes = Enumerable.Range(0, procedures.RowCount).Select(r => (string)procedures.Column("code").GetValue(r)!).ToArray();
        var bundled = Array.IndexOf(codes, "160000310");
        // Written blank, inherited from the 60 (検査) line before it.
        Assert.Equal(60, procedures.Column("shinryo_shikibetsu").Values<sbyte>()[bundled]);
        Assert.True(procedures.Column("points").IsNull(Array.IndexOf(codes, "160008010")));
        var diagnoses = Assert.Single(dataset.Table("diagnoses").Partitions);
        var uncoded = Enumerable.Range(0, diagnoses.RowCount).Single(r => (string)diagnoses.Column("disease_code").GetValue(r)! == "0000999");
        Assert.Equal("めまい", diagnoses.Column("disease_name").GetValue(uncoded));
        Assert.True(diagnoses.Column("is_suspected").Values<bool>()[uncoded]);
        Assert.All(Enumerable.Range(0, diagnoses.RowCount).Where(r => r != uncoded), r => Assert.Null(diagnoses.Column("disease_name").GetValue(r)));
    }
}
