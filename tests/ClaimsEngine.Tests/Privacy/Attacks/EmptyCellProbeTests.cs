using Claims.Engine.Privacy;
using Claims.Engine.Query;

using static Claims.Engine.Tests.Privacy.Attacks.Targets;

namespace Claims.Engine.Tests.Privacy.Attacks;

/// <summary>
/// Attack review 22: an empty set is never a kept cell, a set of one patient is (hidden). The analyst asks one
/// person's claims with a diagnosis: kept (x) if they have it, nothing kept if not. Then probes: pads of 10 to 14
/// patients (never the person's) with the person's claims, each 10 to 14 from that one-patient cell. Drawn apart from
/// the probe's own count, nearness made the probes x more often exactly when the person had it (19 of 22). Since
/// review 23 a small kept cell is near at the edge too (<see cref="SmallBaseEdgeTests"/>), but as the probe's own
/// count draw would hide the records between: a probe n from the one-patient cell is x as often as a cell of n is,
/// where without the cell it is x as often as one of n + 1. That is one record's step, as the threshold's own edge
/// gives anyone: the same pads with only the person's claims with the diagnosis (n + 1 with it, n without), in a
/// project with no history. The test holds the probes' rate gap to that edge's, on the same people and pads.
/// </summary>
public sealed class EmptyCellProbeTests(CheckupYearFixture fixture) : IClassFixture<CheckupYearFixture>
{
    private const int Probes = 12;

    [Theory]
    [InlineData("I", 1)]
    public void Probes_beside_a_one_patient_cell_are_hidden_no_more_often_than_the_threshold_s_edge_gives_away(string code, int seed)
    {
        var random = new Random(seed);
        var pads = Targets.Pads(fixture).OrderBy(_ => random.Next()).ToList();
        var alone = Targets.WithAndWithout(Targets.Alone(fixture).OrderBy(_ => random.Next()), 60, 8,
            t => Targets.Truth(fixture, Targets.Person(t.P, t.S, t.A, code)) > 0);
        var (with, without) = (0, 0);
        var (xWith, xWithout, edgeWith, edgeWithout) = (0, 0, 0, 0);
        var n = 0;
        foreach (var target in alone)
        {
            var ledger = fixture.NewLedger(seed * 1000 + n);
            var edgeLedger = fixture.NewLedger(seed * 1000 + 500 + n++);
            var person = Targets.Person(target.P, target.S, target.A, code);
            Targets.First(fixture, ledger, Targets.Patients(person));
            var (x, edge) = (0, 0);
            foreach (var pad in pads.Where(p => p.P != target.P || p.S != target.S).OrderBy(_ => random.Next()).Take(Probes))
            {
                var padded = Targets.Pad(pad.P, pad.S, pad.Low, pad.High);
                if (Targets.First(fixture, ledger, Targets.Patients($$"""{"or": [{{padded}}, {{Block(target)}}]}""")) is null) x++;
                if (Targets.First(fixture, edgeLedger, Targets.Patients($$"""{"or": [{{padded}}, {{person}}]}""")) is null) edge++;
            }
            if (Targets.Truth(fixture, person) > 0) { with++; xWith += x; edgeWith += edge; }
            else { without++; xWithout += x; edgeWithout += edge; }
        }
        var counts = $"{code}: {Probes} probes a person; with the diagnosis {with} (x {xWith}, edge x {edgeWith}); without {without} (x {xWithout}, edge x {edgeWithout})";
        Assert.True(with >= 5 && without >= 10, $"too little to find: {counts}");
        // The probes are x more often with the diagnosis; the edge's probes less often, by one record's step alike.
        var gap = xWith / (double)(with * Probes) - xWithout / (double)(without * Probes);
        var edgeGap = edgeWithout / (double)(without * Probes) - edgeWith / (double)(with * Probes);
        Assert.True(gap <= edgeGap + 0.1, $"{counts}: gap {gap:F2}, the edge's {edgeGap:F2}");
    }
}
