using Claims.SyntheticGen.Model;
using Claims.SyntheticGen.Randomness;

namespace Claims.SyntheticGen.Tests;

/// <summary>A chronic condition's regimen as clinical.json draws it.</summary>
public class RegimenTests
{
    private static readonly ClinicalModel s_clinical = GeneratorModel.Load().Clinical;

    /// <summary>
    /// Drugs of one group are alternatives (two α1 blockers, tadalafil with one, two prostaglandin drops, two dopamine
    /// agonists): no regimen holds two of a group, while regimens of two or more drugs are common and every group is
    /// drawn. Without the rule each of the four draws such pairs.
    /// </summary>
    [Theory]
    [InlineData("bph")]
    [InlineData("oab")]
    [InlineData("glaucoma")]
    [InlineData("parkinsons")]
    public void A_regimen_holds_one_drug_of_each_group(string condition)
    {
        var definition = s_clinical.Conditions.Single(c => c.Id == condition);
        var items = definition.Drugs!.Items;
        var rng = new Rng(11);
        var (several, grouped) = (0, new HashSet<string>());
        for (var i = 0; i < 20_000; i++)
        {
            var regimen = definition.DrawRegimen(ref rng, 70);
            var named = regimen.Select(r => items[r].Group).OfType<string>().ToArray();
            Assert.Equal(named.Length, named.Distinct().Count());
            grouped.UnionWith(named);
            if (regimen.Length >= 2) several++;
        }
        Assert.True(several > 5_000, $"{several} regimens of two or more drugs in 20,000");
        Assert.Equal(items.Select(d => d.Group).OfType<string>().ToHashSet(), grouped);
    }

    /// <summary>A brand is dispensed through its generic's choices, so no condition lists two products of one ingredient, form and strength.</summary>
    [Fact]
    public void No_condition_lists_one_product_twice()
    {
        foreach (var condition in new[] { "bph", "oab", "glaucoma", "parkinsons" })
        {
            var items = s_clinical.Conditions.Single(c => c.Id == condition).Drugs!.Items;
            Assert.Equal(items.Count, items.Select(d => d.Yj[..9]).Distinct().Count());
        }
    }
}
