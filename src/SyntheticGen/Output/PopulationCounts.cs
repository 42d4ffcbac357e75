using Claims.Engine.Population;

namespace Claims.SyntheticGen.Output;

/// <summary>
/// Persons insured by month × prefecture × sex × age × insurer kind: a chunk counts its persons' months, and the
/// generator adds the chunks' counts up (addition does not care about order, so any thread count gives the same
/// table) before <see cref="PopulationTable"/> writes them.
/// </summary>
public sealed class PopulationCounts
{
    private readonly Dictionary<PopulationCell, int> _persons = [];

    public IEnumerable<KeyValuePair<PopulationCell, int>> Cells => _persons;

    public void Add(PopulationCell cell) => _persons[cell] = _persons.GetValueOrDefault(cell) + 1;

    public void Add(PopulationCounts other)
    {
        foreach (var (cell, persons) in other._persons) _persons[cell] = _persons.GetValueOrDefault(cell) + persons;
    }
}
