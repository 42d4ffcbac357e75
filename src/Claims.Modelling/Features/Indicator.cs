namespace Claims.Modelling.Features;

/// <summary>
/// A 0/1 feature (a prefecture, a diagnosis group or drug class in a window) with the members it is 1 for, one bit
/// each, kept only when at least <paramref name="MinMembers"/> members have it: how many do is a count of patients,
/// so on restricted data it is decided as released (<see cref="Disclosure.ModelDisclosure.Keep"/>).
/// </summary>
internal sealed record Indicator(string Name, ulong[] Bits, int MinMembers)
{
    public long Members => Bits.Sum(word => (long)ulong.PopCount(word));

    public bool this[int member] => (Bits[member >> 6] >> member & 1) != 0;
}
