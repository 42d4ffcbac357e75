using Claims.Testing;

namespace Claims.Modelling.Tests;

/// <summary>The example spec the README points newcomers to, as the tests read it.</summary>
internal static class Examples
{
    public static readonly string Admission = File.ReadAllText(Path.Combine(RepoPaths.DataSchemas, "examples", "admission-aged-65-plus.model.json"));
}
