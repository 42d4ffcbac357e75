using Claims.Engine.Cohorts;

namespace Claims.Engine.Tests.Privacy;

/// <summary>Patient sets of consecutive ids, for releases whose figures depend only on who is in them.</summary>
internal static class PatientRange
{
    public static PatientSet Of(int from, int to)
    {
        var set = new PatientSet(40_000);
        for (var p = from; p < to; p++) set.Add(p);
        return set;
    }
}
