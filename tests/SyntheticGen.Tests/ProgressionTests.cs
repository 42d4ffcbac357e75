namespace Claims.SyntheticGen.Tests;

/// <summary>Conditions progress in order: nephropathy years into diabetes, dialysis years into CKD, stroke years into hypertension.</summary>
[Collection(GeneratedDatasetCollection.Name)]
public class ProgressionTests(GeneratedDataset data)
{
    [Theory]
    [InlineData("t2dm", "ckd", 5)]
    [InlineData("ckd", "dialysis", 3)]
    [InlineData("hypertension", "stroke", 5)]
    [InlineData("hypertension", "heart_failure", 5)]
    public void A_later_stage_never_starts_before_the_years_the_earlier_one_needs(string from, string to, int years)
    {
        var pairs = $"""
            SELECT a.onset_month AS first, b.onset_month AS second FROM truth_conditions a JOIN truth_conditions b USING (person_id)
            WHERE a.condition = '{from}' AND b.condition = '{to}'
            """;
        Assert.True(data.Scalar($"SELECT count(*) FROM ({pairs})") > 10, $"too few persons with both {from} and {to}");
        Assert.Equal(0, data.Scalar($"SELECT count(*) FROM ({pairs}) WHERE (second // 100 * 12 + second % 100) - (first // 100 * 12 + first % 100) < {years * 12 - 1}"));
    }

    [Fact]
    public void Every_dialysis_patient_has_CKD()
    {
        Assert.Equal(0, data.Scalar("""
            SELECT count(*) FROM truth_conditions d WHERE d.condition = 'dialysis'
              AND NOT EXISTS (SELECT 1 FROM truth_conditions c WHERE c.person_id = d.person_id AND c.condition = 'ckd')
            """));
    }
}
