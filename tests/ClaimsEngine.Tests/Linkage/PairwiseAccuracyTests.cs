using Claims.Engine.Linkage;

namespace Claims.Engine.Tests.Linkage;

public class PairwiseAccuracyTests
{
    [Fact]
    public void Pairs_are_counted_per_cluster_and_person_cell()
    {
        // Person 1 has records 0-3, person 2 records 4-5. The clustering splits person 1 (3 + 1) and merges
        // record 3 with person 2: linked pairs C(3,2) + C(3,2) = 6; true pairs C(3,2) + C(2,2) = 4; truth pairs 6 + 1 = 7.
        int[] clusters = [0, 0, 0, 1, 1, 1];
        int[] persons = [1, 1, 1, 1, 2, 2];
        var accuracy = PairwiseAccuracy.Compute(clusters, persons);
        Assert.Equal(new PairwiseAccuracy(4, 6, 7), accuracy);
        Assert.Equal(4 / 6.0, accuracy.Precision, 12);
        Assert.Equal(4 / 7.0, accuracy.Recall, 12);
    }

    [Fact]
    public void A_perfect_clustering_scores_one_and_singletons_claim_nothing()
    {
        Assert.Equal((1.0, 1.0), (PairwiseAccuracy.Compute([5, 5, 9], [1, 1, 2]).Precision, PairwiseAccuracy.Compute([5, 5, 9], [1, 1, 2]).Recall));
        var singletons = PairwiseAccuracy.Compute([0, 1, 2], [1, 1, 1]);
        Assert.Equal(1.0, singletons.Precision);
        Assert.Equal(0.0, singletons.Recall);
        Assert.Throws<ArgumentException>(() => PairwiseAccuracy.Compute([0], [0, 1]));
    }
}
