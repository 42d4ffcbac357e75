using Claims.Engine.Linkage;

namespace Claims.Engine.Tests.Linkage;

public class KeyTableTests
{
    private static byte[] Bytes(byte last, byte first = 0)
    {
        var bytes = new byte[32];
        bytes[0] = first;
        bytes[31] = last;
        return bytes;
    }

    [Fact]
    public void Equal_hashes_get_one_node_and_hashes_differing_in_any_byte_get_their_own()
    {
        var nodes = new UnionFind();
        var table = new KeyTable<Hash256>(nodes);
        var a = table.GetOrAdd(Hash256.From(Bytes(1)));
        Assert.Equal(a, table.GetOrAdd(Hash256.From(Bytes(1))));
        var b = table.GetOrAdd(Hash256.From(Bytes(2)));
        var c = table.GetOrAdd(Hash256.From(Bytes(1, first: 9)));
        Assert.Equal(3, new[] { a, b, c }.Distinct().Count());
        Assert.Equal(3, table.Count);
        Assert.Equal(3, nodes.Count);
        Assert.Equal(b, table.Find(Hash256.From(Bytes(2))));
        Assert.Equal(-1, table.Find(Hash256.From(Bytes(3))));
    }

    [Fact]
    public void A_hash_is_read_from_its_row_of_a_hash_column()
    {
        var column = Bytes(1).Concat(Bytes(2)).Concat(Bytes(3)).ToArray();
        Assert.Equal(Hash256.From(Bytes(2)), Hash256.At(column, 1));
        Assert.Throws<ArgumentException>(() => Hash256.From(new byte[31]));
    }

    [Fact]
    public void The_id2_guard_keeps_apart_the_same_hash_with_another_sex_or_birth_month()
    {
        var table = new KeyTable<GuardedHash>(new UnionFind());
        var hash = Hash256.From(Bytes(7));
        var a = table.GetOrAdd(new GuardedHash(hash, 1, 195003));
        Assert.Equal(a, table.GetOrAdd(new GuardedHash(hash, 1, 195003)));
        Assert.NotEqual(a, table.GetOrAdd(new GuardedHash(hash, 2, 195003)));
        Assert.NotEqual(a, table.GetOrAdd(new GuardedHash(hash, 1, 195004)));
        Assert.Equal(3, table.Count);
    }

    [Fact]
    public void Random_sha256_like_hashes_spread_over_the_hash_codes()
    {
        var random = new Random(3);
        var codes = new HashSet<int>();
        var bytes = new byte[32];
        for (var i = 0; i < 10_000; i++)
        {
            random.NextBytes(bytes);
            codes.Add(Hash256.From(bytes).GetHashCode());
        }
        Assert.True(codes.Count > 9_980, $"{codes.Count} distinct hash codes of 10,000");
        // Hashes differing only in their last word (as hand-made ones do) must not collide either.
        var tails = Enumerable.Range(0, 1000).Select(i => new Hash256(0, 0, 0, (ulong)i).GetHashCode()).Distinct().Count();
        Assert.Equal(1000, tails);
    }
}
