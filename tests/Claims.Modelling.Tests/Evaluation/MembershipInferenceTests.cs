using Claims.Modelling.Evaluation;

namespace Claims.Modelling.Tests.Evaluation;

public class MembershipInferenceTests
{
    [Fact]
    public void A_model_that_fits_its_training_members_better_than_any_other_is_caught()
    {
        // Training members: the model gave what happened 0.9 and 0.8; test members 0.6 and 0.7 (1 − 0.4, 1 − 0.3).
        var attack = MembershipInference.Attack([0.9f, 0.2f], [1f, 0f], [0.6f, 0.4f], [1f, 0f]);
        Assert.Equal(1.0, attack.AttackAuc, 6);
        Assert.False(attack.Passed);
        Assert.Equal(0.6, attack.Limit);
    }

    [Fact]
    public void A_model_that_fits_both_alike_says_nothing_of_who_it_was_trained_on()
    {
        var random = new Random(6);
        float[] Draw(int n) => Enumerable.Range(0, n).Select(_ => (float)random.NextDouble()).ToArray();
        float[] Outcomes(float[] p) => p.Select(x => random.NextDouble() < x ? 1f : 0f).ToArray();
        var (train, test) = (Draw(4000), Draw(2000));
        var attack = MembershipInference.Attack(train, Outcomes(train), test, Outcomes(test));
        Assert.InRange(attack.AttackAuc, 0.5, 0.53);
        Assert.True(attack.Passed);
    }

    [Fact]
    public void An_attack_that_works_backwards_counts_as_well()
    {
        // Test members fit better than training members: flipping the rule tells them apart as well.
        var attack = MembershipInference.Attack([0.6f, 0.4f], [1f, 0f], [0.9f, 0.2f], [1f, 0f]);
        Assert.Equal(1.0, attack.AttackAuc, 6);
        Assert.False(attack.Passed);
    }
}
