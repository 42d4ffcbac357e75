namespace Claims.SyntheticGen.Model;

/// <summary>
/// calibration.json prescribing.days: the national shares of drug lines by days prescribed (buckets up to each of
/// <see cref="UpTo"/>, then above the last), and how chronic drugs are written: the share of persons on 1-, 2- and
/// 3-month prescriptions (<see cref="ChronicMonths"/>) and the share of monthly ones written for 30 days, not 28.
/// </summary>
public sealed record PrescriptionDays(int[] UpTo, double[] LineShares, double Tolerance, double[] ChronicMonths, double ThirtyDayShare,
    double[] EpisodeWeights, string Source)
{
    /// <summary>
    /// Days of an outpatient episode's prescription whose regimen runs <paramref name="own"/> days: beyond two weeks,
    /// 14 (a first prescription), its own or 30, by <see cref="EpisodeWeights"/>, from a uniform draw in [0, 1).
    /// </summary>
    public int Episode(int own, double u) =>
        own <= 14 ? own
        : u < EpisodeWeights[0] ? 14
        : u < EpisodeWeights[0] + EpisodeWeights[1] ? own
        : 30;

    /// <summary>The bucket of a line prescribed for <paramref name="days"/> days.</summary>
    public int BucketOf(int days)
    {
        var bucket = 0;
        while (bucket < UpTo.Length && days > UpTo[bucket]) bucket++;
        return bucket;
    }

    /// <summary>"14 days or fewer", "15–28 days", …, "91 days or more".</summary>
    public string Label(int bucket) =>
        bucket == 0 ? $"{UpTo[0]} days or fewer"
        : bucket == UpTo.Length ? $"{UpTo[^1] + 1} days or more"
        : $"{UpTo[bucket - 1] + 1}–{UpTo[bucket]} days";

    /// <summary>Months a chronic prescription covers, from a uniform draw in [0, 1).</summary>
    public int Months(double u)
    {
        var months = 1;
        for (var cumulative = ChronicMonths[0]; months < ChronicMonths.Length && u >= cumulative; months++) cumulative += ChronicMonths[months];
        return months;
    }
}
