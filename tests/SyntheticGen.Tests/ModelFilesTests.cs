using System.Text.Json.Nodes;
using Claims.Engine.Schema;
using Claims.SyntheticGen.Model;
using Claims.Testing;

namespace Claims.SyntheticGen.Tests;

/// <summary>Edits of clinical.json and calibration.json refused at load: by the loader where the JSON Schemas cannot say it, else by the schema at its place.</summary>
public class ModelFilesTests
{
    [Fact]
    public void Who_ages_that_run_backwards_are_refused()
    {
        var message = LoadEdited("clinical.json", root => Minor(root, "menopause")["who"]!["ages"] = new JsonArray(64, 40));
        Assert.Contains("minor menopause: who.ages runs from 64 down to 40", message);
    }

    [Fact]
    public void Who_on_an_acute_episode_is_refused_by_the_schema()
    {
        var index = -1;
        var message = LoadEdited("clinical.json", root =>
        {
            var acute = root["acute"]!.AsArray();
            index = acute.IndexOf(acute.Single(a => (string?)a!["id"] == "influenza"));
            acute[index]!["who"] = JsonNode.Parse("""{"ages": [0, 14], "source": "x"}""");
        });
        // The validator also lists the failed branches of every oneOf it passed (the fees' null-or-code), so the refusal
        // is one line among others, at the edited episode's place.
        Assert.Contains(message.Split('\n').Select(line => line.Trim()), line => line.StartsWith($"clinical.json: /acute/{index}/who: ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_second_clinic_for_an_episode_clinical_json_lacks_is_refused()
    {
        var message = LoadEdited("calibration.json", root =>
            root["prescribing"]!["duplicates"]!["secondClinic"]!["episodes"]!.AsArray().Add("common_cold"));
        Assert.Contains("secondClinic names episodes clinical.json's acute list lacks: common_cold", message);
    }

    [Theory]
    [InlineData("polypharmacy", "fiveOrMore", "calibration.json prescribing.polypharmacy: give one share per spending age group, in the same groups as spending")]
    [InlineData("oralDrugCost", "yenPerPersonYear", "calibration.json prescribing.oralDrugCost: give one cost per spending age group, in the same groups as spending")]
    public void Drug_targets_in_other_age_groups_than_spending_s_are_refused(string target, string values, string expected)
    {
        // The pilot sets co-prescriptions by spending's groups, so a target in groups of its own could not be aimed at.
        var regrouped = LoadEdited("calibration.json", root => root["prescribing"]![target]!["ageGroups"] = new JsonArray(0, 20, 45, 65, 75));
        Assert.Equal(expected, regrouped);
        var shortened = LoadEdited("calibration.json", root => root["prescribing"]![target]![values]!.AsArray().RemoveAt(0));
        Assert.Equal(expected, shortened);
    }

    private static JsonObject Minor(JsonNode root, string id) => root["minor"]!.AsArray().Single(m => (string?)m!["id"] == id)!.AsObject();

    private static string LoadEdited(string file, Action<JsonNode> edit)
    {
        using var temp = new TempDirectory("claims-model");
        SchemaCopies.Write(temp.Path);
        var path = Path.Combine(temp.Path, file);
        var root = JsonNode.Parse(File.ReadAllText(path))!;
        edit(root);
        File.WriteAllText(path, root.ToJsonString());
        var error = Record.Exception(() => GeneratorModel.Load(ClaimsSchema.Load(SchemaFiles.FromDirectory(temp.Path))));
        Assert.NotNull(error);
        return error.Message;
    }
}
