using Claims.Engine;
using Claims.Engine.Query;
using Claims.Engine.Storage;

namespace Claims.Import.Tests;

/// <summary>import uke --population: published figures into the population table, a bad line named and nothing published.</summary>
public sealed class PopulationFileTests : IDisposable
{
    private const string Header = "month,prefecture,sex,age,insurer_kind,persons";
    private readonly ImportFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private string Population(params string[] lines) => _fixture.Write("population.csv", lines);

    /// <summary>A spreadsheet's CSV: a byte-order mark, CRLF and spaces around the fields are read as the figures they hold.</summary>
    [Fact]
    public void A_bom_crlf_and_padded_fields_are_read()
    {
        var file = Path.Combine(Path.GetDirectoryName(_fixture.Out)!, "excel.csv");
        File.WriteAllText(file, "\uFEFF" + Header + "\r\n202404, 13, 2, 80, 6, 1500\r\n", new System.Text.UTF8Encoding(false));
        var report = _fixture.Import(_fixture.Write("GOOD.UKE", UkeText.Valid()), population: file);
        Assert.Equal(1, report.Rows["population"]);
        using var dataset = Dataset.Open(_fixture.Out);
        var result = dataset.Execute("""{"from": "population", "select": [{"sum": "persons", "as": "persons"}]}""");
        Assert.Equal(1500L, Convert.ToInt64(ArrowValues.Value(result.Column(0), 0)));
    }

    [Fact]
    public void Published_figures_by_band_are_queried_by_age_band()
    {
        var file = Population(Header, "202404,13,1,70,6,0", "202404,13,1,75,6,812345", "202404,13,2,75,6,1034567", "202404,27,1,80,6,400000", "");
        var report = _fixture.Import(_fixture.Write("GOOD.UKE", UkeText.Valid()), population: file);

        Assert.Equal(3, report.Rows["population"]);
        using var dataset = Dataset.Open(_fixture.Out);
        // The figures' month is not one of the claims': the dataset's months, which periods are checked against, stay the claims'.
        var claims = dataset.Table("receipts").Partitions.Select(p => p.Key).ToArray();
        Assert.DoesNotContain(202404, claims);
        Assert.Equal(new MonthRange(claims.Min(), claims.Max()), dataset.Months);
        var result = dataset.Execute("""{"from": "population", "groupBy": ["prefecture", "age_band"], "select": [{"sum": "persons", "as": "persons"}], "orderBy": [{"col": "prefecture"}]}""");
        Assert.Equal(2, result.Length);
        Assert.Equal(812345L + 1034567, Convert.ToInt64(ArrowValues.Value(result.Column(2), 0)));
        Assert.Equal(400000L, Convert.ToInt64(ArrowValues.Value(result.Column(2), 1)));
    }

    public static TheoryData<string[], string> Bad() => new()
    {
        { ["month,pref,sex,age,insurer_kind,persons", "202404,13,1,75,6,1"], "population.csv line 1: the header must be 'month,prefecture,sex,age,insurer_kind,persons', found 'month,pref,sex,age,insurer_kind,persons'" },
        { [Header, "202413,13,1,75,6,1"], "population.csv line 2: month '202413' is not a month YYYYMM" },
        { [Header, "202404,48,1,75,6,1"], "population.csv line 2: prefecture '48' is not a prefecture code 1–47" },
        { [Header, "202404,13,3,75,6,1"], "population.csv line 2: sex '3' is not 1 (male) or 2 (female)" },
        { [Header, "202404,13,1,75,0,1"], "population.csv line 2: insurer_kind '0' is not an insurer_kind code of enums.json" },
        { [Header, "202404,13,1,75,6,-5"], "population.csv line 2: persons '-5' is not a whole number 0–2147483647" },
        { [Header, "202404,13,1,75,6"], "population.csv line 2: 5 fields where 'month,prefecture,sex,age,insurer_kind,persons' has 6" },
        { [Header, "202404,13,1,75,6,10", "202404,13,1,75,6,12"], "population.csv line 3: the cell 202404, prefecture 13, sex 1, age 75, insurer_kind 6 is given twice" },
        { [Header, "202404,13,1,75,6,0", "202404,13,1,75,6,12"], "population.csv line 3: the cell 202404, prefecture 13, sex 1, age 75, insurer_kind 6 is given twice" },
        { [Header, "202404,13,1,75,6,99999999999"], "population.csv line 2: persons '99999999999' is not a whole number 0–2147483647" },
        { [Header], "population.csv holds no persons: give at least one cell under the header 'month,prefecture,sex,age,insurer_kind,persons'" },
    };

    [Theory]
    [MemberData(nameof(Bad))]
    public void A_bad_line_is_named_and_the_previous_dataset_stays(string[] lines, string error)
    {
        _fixture.Import(_fixture.Write("GOOD.UKE", UkeText.Valid()));
        var manifest = File.ReadAllText(Path.Combine(_fixture.Out, DatasetManifest.FileName));

        var thrown = Assert.Throws<ClaimsException>(() => _fixture.Import(_fixture.Write("AGAIN.UKE", UkeText.Valid()), population: Population(lines)));

        Assert.Equal(error, thrown.Message);
        Assert.Equal(manifest, File.ReadAllText(Path.Combine(_fixture.Out, DatasetManifest.FileName)));
    }
}
