using Bogus;
using Claims.SyntheticGen.Randomness;

namespace Claims.SyntheticGen.Identity;

/// <summary>
/// Japanese names. Bogus' Japanese locale gives the common names (about twenty family and twenty given names);
/// on their own they would make whole towns share a name and birthday, which no real ID2 sees, so they are
/// mixed with names composed from the characters common in Japanese names, Zipf-like: the Bogus names are
/// the frequent ones.
/// </summary>
public sealed class NamePool
{
    private const string FamilyFirst = "田山川中小大高石松井木村林森上下北南西東長岡藤原野吉佐伊加斉宮清渡";
    private const string FamilySecond = "田山川中本野村井木原島口崎藤沢谷部橋内岡林森尾辺";
    private const string GivenFirst = "大翔陽美結愛太一健拓真悠蓮湊優花莉子奈裕和幸直正博明誠智春秋彩";
    private const string GivenSecond = "子美奈菜花香郎介太斗人也樹輝真希恵代江里音翔";

    private readonly string[] _bogusFamily;
    private readonly string[] _bogusGiven;

    public NamePool(int seed)
    {
        var faker = new Faker("ja") { Random = new Randomizer(seed) };
        _bogusFamily = Enumerable.Range(0, 2000).Select(_ => faker.Name.LastName()).Distinct().Order(StringComparer.Ordinal).ToArray();
        _bogusGiven = Enumerable.Range(0, 2000).Select(_ => faker.Name.FirstName()).Distinct().Order(StringComparer.Ordinal).ToArray();
    }

    public string FamilyName(ref Rng rng) =>
        rng.Chance(0.35)
            ? _bogusFamily[Zipf(ref rng, _bogusFamily.Length)]
            : $"{FamilyFirst[Zipf(ref rng, FamilyFirst.Length)]}{FamilySecond[Zipf(ref rng, FamilySecond.Length)]}";

    public string GivenName(ref Rng rng) =>
        rng.Chance(0.35)
            ? _bogusGiven[Zipf(ref rng, _bogusGiven.Length)]
            : $"{GivenFirst[Zipf(ref rng, GivenFirst.Length)]}{GivenSecond[Zipf(ref rng, GivenSecond.Length)]}";

    /// <summary>Rank ∝ 1/(k+1) over n items, by inverting the harmonic CDF approximately.</summary>
    private static int Zipf(ref Rng rng, int n) => Math.Min(n - 1, (int)(Math.Exp(rng.NextDouble() * Math.Log(n + 1)) - 1));

    /// <summary>
    /// The same name as another office would register it: an old or variant character form (髙 for 高, 﨑 for 崎),
    /// or a space between family and given name where the name has no such character.
    /// </summary>
    public static string SpellingVariant(string family, string given)
    {
        foreach (var (plain, variant) in s_variants)
        {
            if (family.Contains(plain)) return family.Replace(plain, variant) + given;
        }
        return family + "\u3000" + given;
    }

    private static readonly (string Plain, string Variant)[] s_variants =
        [("高", "髙"), ("崎", "﨑"), ("辺", "邊"), ("斉", "齋"), ("沢", "澤"), ("島", "嶋"), ("浜", "濱"), ("広", "廣"), ("藤", "籐")];
}
