using Claims.Engine.Cohorts;

namespace Claims.Engine.Tests.Cohorts;

/// <summary>A cohort build and the scans under it stop with <see cref="OperationCanceledException"/> when their token is cancelled.</summary>
[Collection(CohortData.Name)]
public class CohortCancellationTests(CohortFixture data)
{
    [Fact]
    public void A_cohort_with_a_cancelled_token_throws_and_the_same_cohort_without_one_is_built()
    {
        var definition = CohortOracleTests.Example("new-users-of-diabetes-drugs");
        Assert.ThrowsAny<OperationCanceledException>(() => data.Dataset.BuildCohort(definition, new CancellationToken(canceled: true)));
        Assert.ThrowsAny<OperationCanceledException>(() =>
            data.Dataset.BuildCohort(CohortParser.Parse(definition, data.Dataset.Schema), new CancellationToken(canceled: true)));
        Assert.True(data.Dataset.BuildCohort(definition).Count > 0);
    }

    [Fact]
    public void A_selection_with_a_cancelled_token_throws()
    {
        var drugs = data.Dataset.Schema.Table("drugs");
        Assert.ThrowsAny<OperationCanceledException>(() => EventScan.Selection(data.Dataset, drugs, null, new CancellationToken(canceled: true)));
    }
}
