using Claims.Engine.Privacy;

namespace Claims.Engine.Tests.Privacy.Attacks;

/// <summary>
/// How often an attack that adds and subtracts released counts lands exactly on the truth, from the documented
/// perturbation table alone: the probability that a sum of independent noises (with the given signs) is zero.
/// Every count shares one row; near the threshold a release is the draws that kept it at the threshold or more.
/// </summary>
internal static class NoiseBound
{
    public static double ExactHit(int noises)
    {
        var row = PerturbationTable.Distribution;
        var sum = new Dictionary<int, double> { [0] = 1 };
        for (var i = 0; i < noises; i++)
        {
            var next = new Dictionary<int, double>();
            foreach (var (total, p) in sum)
                foreach (var (noise, q) in row)
                    next[total + noise] = next.GetValueOrDefault(total + noise) + p * q;
            sum = next;
        }
        return sum[0];
    }

    /// <summary>The most hits of <paramref name="trials"/> the bound allows, with four standard deviations of room so the check is not flaky.</summary>
    public static int MostHits(int trials, double probability) =>
        (int)Math.Ceiling(trials * probability + 4 * Math.Sqrt(trials * probability * (1 - probability)));
}
