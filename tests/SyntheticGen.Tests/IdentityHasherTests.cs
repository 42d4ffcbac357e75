using Claims.Engine.Linkage;
using Claims.SyntheticGen.Identity;

namespace Claims.SyntheticGen.Tests;

public class IdentityHasherTests
{
    private static string Hex(Action<Span<byte>> hash)
    {
        var bytes = new byte[32];
        hash(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    [Fact]
    public void Every_input_of_each_hash_changes_it_and_the_salt_keeps_datasets_apart()
    {
        var hasher = new IdentityHasher(1);
        var birth = new DateOnly(1980, 5, 17);
        var id2 = Hex(d => hasher.Id2("佐藤花子", birth, 2, d));
        Assert.NotEqual(id2, Hex(d => hasher.Id2("佐藤花子", birth, 1, d)));
        Assert.NotEqual(id2, Hex(d => hasher.Id2("佐藤花子", birth.AddDays(1), 2, d)));
        Assert.NotEqual(id2, Hex(d => hasher.Id2("鈴木花子", birth, 2, d)));
        Assert.Equal(id2, Hex(d => hasher.Id2("佐藤花子", birth, 2, d)));
        Assert.NotEqual(id2, Hex(d => new IdentityHasher(2).Id2("佐藤花子", birth, 2, d)));

        var id1 = Hex(d => hasher.Id1(1_130_001, 42, birth, 2, d));
        Assert.NotEqual(id1, Hex(d => hasher.Id1(1_130_002, 42, birth, 2, d)));
        Assert.NotEqual(id1, Hex(d => hasher.Id1(1_130_001, 43, birth, 2, d)));
        Assert.NotEqual(id1, Hex(d => hasher.Id1(1_130_001, 42, birth, 1, d)));
        Assert.NotEqual(Hex(d => hasher.Id5(7, d)), Hex(d => hasher.Id5(8, d)));
        Assert.Equal(64, id1.Length);
    }

    [Fact]
    public void A_spelling_variant_differs_from_the_plain_name()
    {
        Assert.Equal("髙橋太郎", NamePool.SpellingVariant("高橋", "太郎"));
        Assert.Equal("山田\u3000花子", NamePool.SpellingVariant("山田", "花子"));
    }
}
