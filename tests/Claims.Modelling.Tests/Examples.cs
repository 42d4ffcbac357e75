using Claims.Testing;

namespace Claims.Modelling.Tests;

/// <summary>The example specs the docs point newcomers to, as the tests read them.</summary>
internal static class Examples
{
    public static readonly string Admission = File.ReadAllText(Path.Combine(RepoPaths.DataSchemas, "examples", "admission-aged-65-plus.model.json"));

    public static readonly string Death = File.ReadAllText(Path.Combine(RepoPaths.DataSchemas, "examples", "death-aged-75-plus.model.json"));

    /// <summary>
    /// The example sized for the fixture's 1,300 training members: small trees, few rounds. (The example's 200 rounds
    /// of 31 leaves are for 200,000 persons; here they remember their members, attack AUC about 0.7.)
    /// </summary>
    public static readonly string Modest = Admission.Replace("\"leaves\": 31, \"minMembersPerLeaf\": 20, \"iterations\": 200", "\"leaves\": 8, \"minMembersPerLeaf\": 50, \"iterations\": 40");
}
