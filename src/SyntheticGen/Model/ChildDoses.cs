namespace Claims.SyntheticGen.Model;

/// <summary>
/// calibration.json prescribing.children: von Harnack's fraction of the adult dose by age, and the age under which a
/// child is given a powder or syrup form of the ingredient where the price list has one.
/// </summary>
public sealed class ChildDoses
{
    private readonly double[] _byAge;

    public ChildDoses(double[] ages, double[] fractions, int powdersUnder)
    {
        if (ages.Length != fractions.Length || ages.Length < 2)
            throw new InvalidDataException("calibration.json prescribing.children: ages and fractions must pair, two points at least");
        for (var i = 1; i < ages.Length; i++)
            if (ages[i] <= ages[i - 1] || fractions[i] < fractions[i - 1])
                throw new InvalidDataException($"calibration.json prescribing.children: ages must increase and fractions never fall (point {i})");
        if (fractions[^1] != 1)
            throw new InvalidDataException("calibration.json prescribing.children: the last fraction is the adult dose, 1");
        AdultFrom = (int)Math.Ceiling(ages[^1]);
        // A year of age is dosed at its middle, read on the line between the two points around it.
        _byAge = new double[AdultFrom];
        for (var age = 0; age < AdultFrom; age++)
        {
            var at = age + 0.5;
            var upper = Array.FindIndex(ages, a => a >= at);
            _byAge[age] = upper <= 0 ? fractions[0]
                : fractions[upper - 1] + (fractions[upper] - fractions[upper - 1]) * (at - ages[upper - 1]) / (ages[upper] - ages[upper - 1]);
        }
        PowdersUnder = powdersUnder;
    }

    /// <summary>The age from which the adult dose is given.</summary>
    public int AdultFrom { get; }

    public int PowdersUnder { get; }

    /// <summary>The fraction of the adult daily dose given at <paramref name="age"/>.</summary>
    public double Fraction(int age) => age < AdultFrom ? _byAge[Math.Max(0, age)] : 1;
}
