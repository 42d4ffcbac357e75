using Claims.Engine.Schema;
using Claims.SyntheticGen.Claims;
using Claims.SyntheticGen.Facilities;
using Claims.SyntheticGen.Model;
using Claims.SyntheticGen.Output;
using Claims.SyntheticGen.Population;

namespace Claims.SyntheticGen;

/// <summary>Generates one chunk of persons through every month of the window; one per worker thread.</summary>
public sealed class ChunkGenerator(GeneratorModel model, PersonFactory factory, FacilityDirectory facilities, PilotCalibration rates,
    ulong seed, int firstMonth, int months, int population, BatchPool pool)
{
    private readonly MonthSimulator _simulator = new(model, factory, facilities, rates, seed);

    public ChunkOutput Generate(int firstPerson, int count)
    {
        var output = new ChunkOutput(model.Schema, pool, months);
        for (var i = firstPerson; i < firstPerson + count; i++)
        {
            var person = factory.Create(i, population);
            for (var m = 0; m < months; m++) _simulator.Simulate(person, firstMonth + m, m, output);
            Record(person, output.Truth);
        }
        return output;
    }

    private void Record(Person person, ChunkTruth truth)
    {
        truth.Persons.Add(new TruthPerson(person.Index, person.Sex, person.Birth, person.Prefecture, MonthMath.ToYyyymm(person.FirstMonth),
            person.DeathMonth == int.MaxValue ? null : MonthMath.ToYyyymm(person.DeathMonth), person.IdentityChanges));
        var conditions = model.Clinical.Conditions;
        var end = firstMonth + months - 1;
        for (var c = 0; c < conditions.Count; c++)
        {
            if (person.Onset[c] > end) continue;
            truth.Conditions.Add((person.Index, conditions[c].Id, MonthMath.ToYyyymm(Math.Max(person.Onset[c], person.BirthMonth)),
                person.Diagnosed[c] <= end ? MonthMath.ToYyyymm(person.Diagnosed[c]) : null, person.Treated[c] && person.Diagnosed[c] <= end));
        }
    }
}
