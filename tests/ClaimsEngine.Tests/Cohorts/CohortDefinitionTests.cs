using System.Text.Json;
using Claims.Engine.Cohorts;
using Claims.Engine.Query;
using Claims.Engine.Schema;
using Json.Schema;

namespace Claims.Engine.Tests.Cohorts;

public class CohortDefinitionTests
{
    [Fact]
    public void The_issue_definition_is_accepted_as_written()
    {
        var definition = CohortParser.Parse(CohortOracle.Example("new-users-of-diabetes-drugs"));
        Assert.Equal("drugs", definition.Entry.Table.Name);
        Assert.Equal(Occurrence.First, definition.Occurrence);
        Assert.Equal(6, definition.PriorObservationMonths);
        var window = Assert.IsType<EventCountRule>(definition.Inclusion[0]);
        Assert.Equal((-12, 0, 1), (window.From, window.To, window.MinCount));
        Assert.Equal(new AgeRule("aged 40-74 at index", 40, 74), definition.Inclusion[1]);
        Assert.Equal("type 1 diabetes before", Assert.IsType<EventCountRule>(definition.Exclusion[0]).Name);
    }

    [Fact]
    public void Day_counts_round_up_to_whole_months()
    {
        var definition = CohortParser.Parse("""{"name": "n", "entry": {"table": "checkups"}, "priorObservationDays": 61, "exit": {"afterDays": 365}}""");
        Assert.Equal(3, definition.PriorObservationMonths);
        Assert.Equal(13, definition.Exit.AfterMonths);
    }

    [Theory]
    [InlineData("{", "cohort", "not valid JSON")]
    [InlineData("""{"entry": {"table": "drugs"}}""", "cohort.name", "is required")]
    [InlineData("""{"name": "n"}""", "entry", "is required")]
    [InlineData("""{"name": "n", "entry": {"table": "drug"}}""", "entry.table", "unknown table 'drug'")]
    [InlineData("""{"name": "n", "entry": {"table": "drugs", "where": {"col": "drug_klass", "eq": 396}}}""", "entry.where.col", "has no column 'drug_klass'")]
    [InlineData("""{"name": "n", "entry": {"table": "drugs", "occurrence": "last"}}""", "entry.occurrence", "unknown occurrence 'last'")]
    [InlineData("""{"name": "n", "entry": {"table": "drugs"}, "inclusion": [{"name": "x", "table": "diagnoses", "where": {"col": "icd10", "prefix": "E1l"}}]}""", "inclusion[0].where.prefix", "E1l")]
    [InlineData("""{"name": "n", "entry": {"table": "drugs"}, "inclusion": [{"name": "x", "table": "diagnoses", "windowMonths": [0, -12]}]}""", "inclusion[0].windowMonths", "starts after it ends")]
    [InlineData("""{"name": "n", "entry": {"table": "drugs"}, "inclusion": [{"name": "x", "age": [74, 40]}]}""", "inclusion[0].age", "[lowest, highest]")]
    [InlineData("""{"name": "n", "entry": {"table": "drugs"}, "inclusion": [{"name": "x", "age": [40, 74], "sex": 2}]}""", "inclusion[0]", "exactly one of")]
    [InlineData("""{"name": "n", "entry": {"table": "drugs"}, "exclusion": [{"name": "x", "sex": 3}]}""", "exclusion[0].sex.in[0]", "3")]
    [InlineData("""{"name": "n", "entry": {"table": "checkups"}, "inclusion": [{"name": "x", "claimKind": 1}]}""", "inclusion[0].claimKind", "have no claim_kind")]
    [InlineData("""{"name": "n", "entry": {"table": "drugs"}, "inclusion": [{"name": "x", "sex": 1}, {"name": "x", "sex": 2}]}""", "cohort", "used twice")]
    [InlineData("""{"name": "n", "entry": {"table": "drugs"}, "inclusion": [{"name": "x", "table": "drugs", "minCount": 2, "maxCount": 1}]}""", "inclusion[0].maxCount", "below minCount")]
    [InlineData("""{"name": "n", "entry": {"table": "drugs"}, "exit": {"afterMonths": 1, "afterDays": 30}}""", "exit", "not both")]
    [InlineData("""{"name": "n", "entry": {"table": "drugs"}, "window": 3}""", "cohort", "unknown field 'window'")]
    public void A_bad_definition_is_an_error_naming_its_place(string json, string path, string message)
    {
        var error = Assert.Throws<QueryException>(() => CohortParser.Parse(json));
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void The_cohort_examples_validate_against_the_cohort_JSON_Schema_and_parse()
    {
        var registry = new SchemaRegistry();
        var options = new BuildOptions { SchemaRegistry = registry };
        JsonSchema.FromText(Text("query.schema.json"), options);
        var schema = JsonSchema.FromText(Text("cohort.schema.json"), options);
        var examples = SchemaFiles.Embedded.Paths.Where(p => p.StartsWith("examples/", StringComparison.Ordinal) && p.EndsWith(".cohort.json", StringComparison.Ordinal)).ToArray();
        Assert.True(examples.Length >= 2);
        foreach (var path in examples)
        {
            using var document = JsonDocument.Parse(Text(path));
            Assert.True(schema.Evaluate(document.RootElement).IsValid, path);
            CohortParser.Parse(Text(path));
        }
        using var bad = JsonDocument.Parse("""{"name": "n", "entry": {"table": "drugs"}, "inclusion": [{"name": "x", "age": [40, 74], "sex": 2}]}""");
        Assert.False(schema.Evaluate(bad.RootElement).IsValid);
    }

    private static string Text(string path) => System.Text.Encoding.UTF8.GetString(SchemaFiles.Embedded.ReadAllBytes(path));
}
