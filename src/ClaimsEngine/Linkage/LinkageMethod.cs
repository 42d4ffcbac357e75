namespace Claims.Engine.Linkage;

/// <summary>Which identity hashes make two records one patient. Each method is its own clustering.</summary>
public enum LinkageMethod
{
    /// <summary>Records sharing id1 (insurer number, symbol/number, birth date, sex).</summary>
    Id1,

    /// <summary>Records sharing id2 (name, birth date, sex) with the same sex and birth month.</summary>
    Id2,

    /// <summary>id1 or guarded id2: the published ID0 method.</summary>
    Id1Id2,

    /// <summary>id1, guarded id2 or id5 (the oldest insured number, since 2022): what the store writes.</summary>
    Combined,
}

public static class LinkageMethods
{
    public static IReadOnlyList<LinkageMethod> All { get; } = [LinkageMethod.Id1, LinkageMethod.Id2, LinkageMethod.Id1Id2, LinkageMethod.Combined];

    /// <summary>The method's name in reports, JSON and the manifest ("combined" is a contract).</summary>
    public static string Name(this LinkageMethod method) => method switch
    {
        LinkageMethod.Id1 => "id1",
        LinkageMethod.Id2 => "id2",
        LinkageMethod.Id1Id2 => "id1+id2",
        LinkageMethod.Combined => "combined",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };

    internal static bool UsesId1(this LinkageMethod method) => method is not LinkageMethod.Id2;
    internal static bool UsesId2(this LinkageMethod method) => method is not LinkageMethod.Id1;
    internal static bool UsesId5(this LinkageMethod method) => method is LinkageMethod.Combined;
}
