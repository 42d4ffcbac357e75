namespace Claims.Testing;

/// <summary>
/// The generic share's code sets as DuckDB reads them from the drug master's CSV, written apart from the engine's
/// <c>DrugCodeSets</c>: <c>g</c>, the generics; <c>s</c>, the generics and the brands that have one (one
/// ingredient's products share their YJ code's first nine characters). A <c>WITH</c> clause that a query goes on from;
/// the indicators' oracle and the indicator benchmark's DuckDB side both ask it.
/// </summary>
public static class GenericCodeSets
{
    public static string With { get; } = $"""
        WITH m AS (SELECT code, yj_code, generic FROM read_csv('{Path.Combine(RepoPaths.Root, "data-schemas", "masters", "drugs.csv")}', all_varchar = true)),
             g AS (SELECT code FROM m WHERE generic = '1'),
             s AS (SELECT code FROM m WHERE generic = '1' OR left(yj_code, 9) IN (SELECT left(yj_code, 9) FROM m WHERE generic = '1' AND length(yj_code) >= 9))
        """;
}
