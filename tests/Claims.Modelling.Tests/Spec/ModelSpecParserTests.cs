using System.Text.Json;
using Claims.Modelling.Spec;
using Claims.Testing;
using Json.Schema;

namespace Claims.Modelling.Tests.Spec;

public class ModelSpecParserTests
{
    [Fact]
    public void The_example_spec_reads_with_its_windows_in_months()
    {
        var spec = ModelSpecParser.Parse(Examples.Admission);
        Assert.Equal("admission within a year, aged 65 and over", spec.Name);
        Assert.Equal("receipts", spec.Outcome.Event.Table.Name);
        // 1..360 days are months 1..12; 180 and 60 days back are 6 and 2 months.
        Assert.Equal(new MonthWindow(1, 12), spec.Outcome.Window);
        Assert.Equal([new MonthWindow(-6, -1), new MonthWindow(-2, -1)], spec.Features.Windows);
        Assert.Equal(DiagnosisLevel.Letter, spec.Features.Diagnoses);
        Assert.Equal(new TrainerSpec(TrainerKind.LightGbm, 31, 20, 200, 0.05, 0, 1), spec.Model);
        Assert.Equal(new SplitSpec(0.25, 1), spec.Split);
    }

    [Fact]
    public void The_example_validates_against_the_model_JSON_Schema_and_a_spec_the_schema_refuses_is_refused_too()
    {
        string Text(string name) => File.ReadAllText(Path.Combine(RepoPaths.DataSchemas, name));
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        JsonSchema.FromText(Text("query.schema.json"), options);
        JsonSchema.FromText(Text("cohort.schema.json"), options);
        var schema = JsonSchema.FromText(Text("model.schema.json"), options);
        foreach (var text in new[] { Examples.Admission, Examples.Death })
        {
            using var example = JsonDocument.Parse(text);
            Assert.True(schema.Evaluate(example.RootElement).IsValid);
            ModelSpecParser.Parse(text);
        }
        const string bad = """{"name": "x", "target": {"name": "t", "entry": {"table": "receipts"}}, "outcome": {"table": "receipts"}, "model": {"kind": "forest"}}""";
        using (var refused = JsonDocument.Parse(bad)) Assert.False(schema.Evaluate(refused.RootElement).IsValid);
        Assert.Throws<ModelSpecException>(() => ModelSpecParser.Parse(bad));
        // A death outcome, and one that names a table as well, which both refuse.
        const string death = """{"name": "x", "target": {"name": "t", "entry": {"table": "receipts"}}, "outcome": {"death": true, "endDays": 730}}""";
        using (var valid = JsonDocument.Parse(death)) Assert.True(schema.Evaluate(valid.RootElement).IsValid);
        Assert.Equal("diagnoses", ModelSpecParser.Parse(death).Outcome.Event.Table.Name);
        var both = death.Replace("\"death\": true", "\"death\": true, \"table\": \"receipts\"");
        using (var refused = JsonDocument.Parse(both)) Assert.False(schema.Evaluate(refused.RootElement).IsValid);
        Assert.Equal("outcome.death", Assert.Throws<ModelSpecException>(() => ModelSpecParser.Parse(both)).Path);
        // A quantity, and one beside a death.
        var points = death.Replace("\"death\": true", "\"quantity\": \"points\"");
        using (var valid = JsonDocument.Parse(points)) Assert.True(schema.Evaluate(valid.RootElement).IsValid);
        Assert.Equal(OutcomeQuantity.Points, ModelSpecParser.Parse(points).Outcome.Quantity);
        using (var refused = JsonDocument.Parse(death.Replace("\"death\": true", "\"death\": true, \"quantity\": \"points\""))) Assert.False(schema.Evaluate(refused.RootElement).IsValid);
    }

    [Fact]
    public void Days_become_months_rounded_away_from_the_index()
    {
        Assert.Equal(new MonthWindow(-13, -1), MonthWindow.FromDays(-365, -1));
        Assert.Equal(new MonthWindow(-1, -1), MonthWindow.FromDays(-30, -1));
        Assert.Equal(new MonthWindow(-2, -1), MonthWindow.FromDays(-31, -1));
        Assert.Equal(new MonthWindow(0, 13), MonthWindow.FromDays(0, 365));
    }

    [Theory]
    [InlineData("""{"target": {}, "outcome": {}}""", "name", "is required")]
    [InlineData("""{"name": "x", "outcome": {"table": "receipts"}}""", "target", "is required")]
    [InlineData("""{"name": "x", "target": {"name": "t", "entry": {"table": "receipts"}}}""", "outcome", "is required")]
    [InlineData("""{"name": "x", "extra": 1}""", "spec", "unknown field 'extra'")]
    [InlineData("""{"name": "x", "target": {"name": "t"}, "outcome": {"table": "receipts"}}""", "target.entry", "is required")]
    [InlineData("""{"name": "x", "target": {"name": "t", "entry": {"table": "receipts"}}, "outcome": {"table": "nowhere"}}""", "outcome.table", "nowhere")]
    [InlineData("""{"name": "x", "target": {"name": "t", "entry": {"table": "receipts"}}, "outcome": {"table": "receipts", "startDays": 30, "endDays": 10}}""", "outcome.endDays", "from 30 to 3650")]
    [InlineData("""{"name": "x", "target": {"name": "t", "entry": {"table": "receipts"}}, "outcome": {"table": "receipts"}, "features": {"windows": [[-30, 0]]}}""", "features.windows[0]", "before the index")]
    [InlineData("""{"name": "x", "target": {"name": "t", "entry": {"table": "receipts"}}, "outcome": {"table": "receipts"}, "features": {"windows": [[-90, -1], [-89, -2]]}}""", "features.windows[1]", "an earlier window covers")]
    [InlineData("""{"name": "x", "target": {"name": "t", "entry": {"table": "receipts"}}, "outcome": {"table": "receipts"}, "features": {"diagnoses": "chapter"}}""", "features.diagnoses", "letter")]
    [InlineData("""{"name": "x", "target": {"name": "t", "entry": {"table": "receipts"}}, "outcome": {"table": "receipts"}, "model": {"kind": "forest"}}""", "model.kind", "unknown trainer 'forest'")]
    [InlineData("""{"name": "x", "target": {"name": "t", "entry": {"table": "receipts"}}, "outcome": {"table": "receipts"}, "model": {"leaves": 1}}""", "model.leaves", "from 2 to 256")]
    [InlineData("""{"name": "x", "target": {"name": "t", "entry": {"table": "receipts"}}, "outcome": {"table": "receipts"}, "split": {"testFraction": 0.9}}""", "split.testFraction", "from 0.05 to 0.5")]
    [InlineData("""{"name": "x",""", "spec", "not valid JSON")]
    [InlineData("""{"name": "x", "target": {"name": "t", "entry": {"table": "receipts"}}, "outcome": {"death": "yes"}}""", "outcome.death", "true or false")]
    [InlineData("""{"name": "x", "target": {"name": "t", "entry": {"table": "receipts"}}, "outcome": {"quantity": "days"}}""", "outcome.quantity", "\"points\"")]
    [InlineData("""{"name": "x", "target": {"name": "t", "entry": {"table": "receipts"}}, "outcome": {"quantity": "points", "table": "receipts"}}""", "outcome.quantity", "either quantity")]
    [InlineData("""{"name": "x", "target": {"name": "t", "entry": {"table": "receipts"}}, "outcome": {"quantity": "points"}, "model": {"kind": "logisticRegression"}}""", "model.kind", "a quantity is predicted by lightGbm or fastTree")]
    [InlineData("""{"name": "x", "target": {"name": "t", "entry": {"table": "receipts"}}, "outcome": {"death": true, "notObserved": "drop"}}""", "outcome.notObserved", "\"exclude\"")]
    [InlineData("""{"name": "x", "target": {"name": "t", "entry": {"table": "receipts"}}, "outcome": {"table": "receipts"}, "split": {"by": "time"}}""", "split.testFrom", "is required for a split by time")]
    [InlineData("""{"name": "x", "target": {"name": "t", "entry": {"table": "receipts"}}, "outcome": {"table": "receipts"}, "split": {"by": "time", "testFrom": 202313}}""", "split.testFrom", "YYYYMM")]
    [InlineData("""{"name": "x", "target": {"name": "t", "entry": {"table": "receipts"}}, "outcome": {"table": "receipts"}, "split": {"testFrom": 202307}}""", "split.testFrom", "\"by\": \"time\"")]
    [InlineData("""{"name": "x", "target": {"name": "t", "entry": {"table": "receipts"}}, "outcome": {"table": "receipts"}, "split": {"by": "time", "testFrom": 202307, "testFraction": 0.2}}""", "split.testFraction", "takes testFrom")]
    [InlineData("""{"name": "x", "target": {"name": "t", "entry": {"table": "receipts"}}, "outcome": {"table": "receipts"}, "split": {"by": "month"}}""", "split.by", "\"patient\"")]
    [InlineData("""{"name": "x", "target": {"name": "t", "entry": {"table": "receipts"}}, "outcome": {"table": "receipts"}, "features": {"checkups": "bmi"}}""", "features.checkups", "must be a list of checkup items")]
    [InlineData("""{"name": "x", "target": {"name": "t", "entry": {"table": "receipts"}}, "outcome": {"table": "receipts"}, "features": {"checkups": ["bmi", "exam_date"]}}""", "features.checkups[1]", "'exam_date' is not a checkup item (one of: height, weight, bmi,")]
    [InlineData("""{"name": "x", "target": {"name": "t", "entry": {"table": "receipts"}}, "outcome": {"table": "receipts"}, "features": {"checkups": ["age"]}}""", "features.checkups[0]", "'age' is not a checkup item")]
    [InlineData("""{"name": "x", "target": {"name": "t", "entry": {"table": "receipts"}}, "outcome": {"table": "receipts"}, "features": {"checkups": ["sbp", "sbp"]}}""", "features.checkups[1]", "'sbp' is listed twice")]
    public void A_bad_spec_is_refused_naming_the_field(string json, string path, string message)
    {
        var error = Assert.Throws<ModelSpecException>(() => ModelSpecParser.Parse(json));
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message);
    }
}
