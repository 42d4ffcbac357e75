using Claims.Engine.Privacy;
using Claims.Engine.Query;

using static Claims.Engine.Tests.Privacy.Attacks.Targets;

namespace Claims.Engine.Tests.Privacy.Attacks;

/// <summary>
/// Attack review 22: an empty set is never a kept cell, a set of one patient is (hidden). The analyst asks one
/// person's claims with a diagnosis: kept (x) if they have it, nothing kept if not. Then probes: pads of 10 to 14
/// patients (never the person's) with the person's claims, each 10 to 14 from that one-patient cell, so near it by a
/// draw (40 % at 10 apart) and then x; without the diagnosis there is nothing to be near, and a probe is x only by its
/// own count. So the probes are x more often exactly when the person has it. One project per person (two one-patient
/// cells are 2 apart, so a second lands on the first and is not kept): the documented "rate" residue at the edge of
/// nearness, with a base that exists or not by the secret.
/// </summary>
public sealed class EmptyCellProbeTests(CheckupYearFixture fixture) : IClassFixture<CheckupYearFixture>
{
    private const int Probes = 12;

    [Theory]
    [InlineData("I", 1)]
    [InlineData("J", 2)]
    public void Probes_beside_a_one_patient_cell_are_hidden_as_often_as_beside_an_empty_one(string code, int seed)
    {
        var random = new Random(seed);
        var pads = Targets.Pads(fixture).OrderBy(_ => random.Next()).ToList();
        var alone = Targets.Alone(fixture).OrderBy(_ => random.Next()).Take(60).ToList();
        var (with, without, xWith, xWithout, flaggedWith, flaggedWithout) = (0, 0, 0, 0, 0, 0);
        var n = 0;
        foreach (var target in alone)
        {
            var ledger = fixture.NewLedger(seed * 1000 + n++);
            var person = Targets.Person(target.P, target.S, target.A, code);
            Targets.First(fixture, ledger, Targets.Patients(person));
            var x = 0;
            foreach (var pad in pads.Where(p => p.P != target.P || p.S != target.S).OrderBy(_ => random.Next()).Take(Probes))
                if (Targets.First(fixture, ledger, Targets.Patients($$"""{"or": [{{Targets.Pad(pad.P, pad.S, pad.Low, pad.High)}}, {{Block(target)}}]}""")) is null) x++;
            var flagged = x >= 4;
            if (Targets.Truth(fixture, person) > 0) { with++; xWith += x; if (flagged) flaggedWith++; }
            else { without++; xWithout += x; if (flagged) flaggedWithout++; }
        }
        var counts = $"{code}: {Probes} probes a person; with the diagnosis {with} (x {xWith}), flagged {flaggedWith}; without {without} (x {xWithout}), flagged {flaggedWithout} (false positives)";
        Assert.True(with >= 5 && without >= 10, $"too little to find: {counts}");
        Assert.True(flaggedWith / (double)with - flaggedWithout / (double)without < 0.2, counts);
    }
}
