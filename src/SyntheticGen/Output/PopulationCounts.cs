using System.Runtime.InteropServices;
using Claims.Engine.Population;

namespace Claims.SyntheticGen.Output;

/// <summary>
/// Persons insured by month × prefecture × sex × age × insurer kind: a chunk counts its persons' months, and the
/// generator adds the chunks' counts up (addition does not care about order, so any thread count gives the same
/// table) before <see cref="PopulationTable"/> writes them. Cells are counted under a packed key, one increment a
/// person-month, which a five-field record key would make the slowest line of the month's simulation.
/// </summary>
public sealed class PopulationCounts
{
    private readonly Dictionary<long, int> _persons = [];

    public IEnumerable<KeyValuePair<PopulationCell, int>> Cells =>
        _persons.Select(p => KeyValuePair.Create(Unpack(p.Key), p.Value));

    public void Add(PopulationCell cell) => CollectionsMarshal.GetValueRefOrAddDefault(_persons, Pack(cell), out _)++;

    public void Add(PopulationCounts other)
    {
        foreach (var (cell, persons) in other._persons) _persons[cell] = _persons.GetValueOrDefault(cell) + persons;
    }

    private static long Pack(PopulationCell c) =>
        ((long)c.Month << 32) | ((long)(byte)c.Prefecture << 24) | ((long)(byte)c.Sex << 16) | ((long)(ushort)c.Age << 4 & 0xFFF0) | (byte)c.InsurerKind & 0xFL;

    private static PopulationCell Unpack(long key) =>
        new((int)(key >> 32), (sbyte)(key >> 24 & 0xFF), (sbyte)(key >> 16 & 0xFF), (short)(key >> 4 & 0xFFF), (sbyte)(key & 0xF));
}
