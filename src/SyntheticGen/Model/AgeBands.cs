namespace Claims.SyntheticGen.Model;

/// <summary>Five-year age bands 0, 5, …, 100+ (21 bands), the grain of the national tables the generator follows.</summary>
public static class AgeBands
{
    public const int Count = 21;

    public static int Of(int age) => Math.Clamp(age / 5, 0, Count - 1);

    /// <summary>The group of <paramref name="age"/> among published groups given by their lower bounds (the first 0).</summary>
    public static int GroupOf(int[] lowerBounds, int age)
    {
        var group = 0;
        while (group + 1 < lowerBounds.Length && lowerBounds[group + 1] <= age) group++;
        return group;
    }

    /// <summary>The last age of group <paramref name="group"/> (120 for the open last group).</summary>
    public static int LastAge(int[] lowerBounds, int group) => group + 1 < lowerBounds.Length ? lowerBounds[group + 1] - 1 : 120;

    /// <summary>A group's label, as "0–14", "15–44", …, "75+".</summary>
    public static string Label(int[] lowerBounds, int group) =>
        group + 1 < lowerBounds.Length ? $"{lowerBounds[group]}–{LastAge(lowerBounds, group)}" : $"{lowerBounds[group]}+";

    /// <summary>The smallest age (0–110, in years) at which a non-decreasing curve reaches <paramref name="level"/>, or null if it never does.</summary>
    public static double? FirstAgeReaching(IReadOnlyList<double> curve, double level)
    {
        if (curve[0] >= level) return 0;
        for (var i = 0; i < Count - 1; i++)
        {
            var (a, b) = (curve[i], curve[i + 1]);
            if (b < level) continue;
            var f = b > a ? (level - a) / (b - a) : 0;
            return Math.Max(0, (i + 0.5 + f) * 5);
        }
        return null;
    }
}
