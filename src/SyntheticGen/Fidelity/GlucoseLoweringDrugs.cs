using Claims.SyntheticGen.Model;

namespace Claims.SyntheticGen.Fidelity;

/// <summary>The drug–indication facts the consistency checks rest on, read from clinical.json rather than restated.</summary>
public static class GlucoseLoweringDrugs
{
    /// <summary>
    /// Drug codes the diabetes regimens (type 1 and type 2) may be dispensed as, brands and generics included: what a
    /// "yes" to glucose medication should show in claims.
    /// </summary>
    public static IReadOnlySet<string> Codes(GeneratorModel model) =>
        new[] { "t2dm", "t1dm" }.SelectMany(id => model.Clinical.Condition(id).Drugs?.Items ?? []).SelectMany(d => d.Dispensable).ToHashSet();

    /// <summary>ICD-10 prefixes of every condition whose regimen uses a class 396 drug (diabetes, and SGLT2 inhibitors for CKD and heart failure).</summary>
    public static IReadOnlyList<string> Class396Indications(GeneratorModel model) =>
        model.Clinical.Conditions.Where(c => c.Drugs?.Items.Any(d => d.DrugClass == 396) == true).SelectMany(c => c.Icd10).Distinct().ToArray();
}
