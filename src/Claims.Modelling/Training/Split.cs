using Claims.Modelling.Spec;

namespace Claims.Modelling.Training;

/// <summary>
/// Which members are held out for testing: a hash of the seed and the patient id, so a member's side never depends
/// on row order or on who else is in the cohort; or, split by time, those indexed from the spec's month on.
/// </summary>
internal static class Split
{
    public static bool IsTest(SplitSpec spec, int patient, int index)
    {
        if (spec.TestFrom is { } from) return index >= Claims.Engine.Storage.MonthKey.ToAbsolute(from);
        // SplitMix64's finaliser: every bit of the seed and the id moves every bit of the result.
        var x = ((ulong)(uint)spec.Seed << 32 | (uint)patient) + 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return (x >> 11) * (1.0 / (1UL << 53)) < spec.TestFraction;
    }
}
