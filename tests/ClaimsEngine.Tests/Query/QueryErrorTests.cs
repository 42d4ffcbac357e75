using Claims.Engine.Query;
using Claims.Engine.Schema;
using Json.Schema;
using System.Text.Json;

namespace Claims.Engine.Tests.Query;

public class QueryErrorTests
{
    [Theory]
    [InlineData("{\"from\": \"recepits\", \"select\": [{\"count\": \"*\", \"as\": \"n\"}]}", "from", "unknown table 'recepits'")]
    [InlineData("{\"from\": \"receipts\", \"where\": {\"col\": \"icd10\", \"eq\": \"E11\"}, \"select\": [{\"count\": \"*\", \"as\": \"n\"}]}", "where.col", "no column 'icd10'")]
    [InlineData("{\"from\": \"receipts\", \"where\": {\"and\": [{\"col\": \"sex\", \"equals\": 2}]}, \"select\": [{\"count\": \"*\", \"as\": \"n\"}]}", "where.and[0].equals", "unknown operator 'equals'")]
    [InlineData("{\"from\": \"diagnoses\", \"where\": {\"col\": \"icd10\", \"prefix\": \"E1l\"}, \"select\": [{\"count\": \"*\", \"as\": \"n\"}]}", "where.prefix", "no code")]
    [InlineData("{\"from\": \"diagnoses\", \"where\": {\"col\": \"disease_code\", \"eq\": \"9999998\"}, \"select\": [{\"count\": \"*\", \"as\": \"n\"}]}", "where.eq", "unknown code '9999998'")]
    [InlineData("{\"from\": \"receipts\", \"where\": {\"col\": \"prefecture\", \"eq\": 48}, \"select\": [{\"count\": \"*\", \"as\": \"n\"}]}", "where.eq", "48 is not a code of enum:prefecture")]
    [InlineData("{\"from\": \"receipts\", \"where\": {\"col\": \"sex\", \"eq\": \"2\"}, \"select\": [{\"count\": \"*\", \"as\": \"n\"}]}", "where.eq", "is an integer")]
    [InlineData("{\"from\": \"receipts\", \"where\": {\"exists\": {\"from\": \"checkups\"}}, \"select\": [{\"count\": \"*\", \"as\": \"n\"}]}", "where.exists.from", "not a line-item table")]
    [InlineData("{\"from\": \"receipts\", \"select\": [{\"sum\": \"dpc_code\", \"as\": \"n\"}]}", "select[0].sum", "needs a numeric column")]
    [InlineData("{\"from\": \"receipts\", \"select\": [{\"count\": \"*\", \"as\": \"n\"}], \"orderBy\": [{\"col\": \"m\"}]}", "orderBy[0].col", "'m' is not an output column")]
    [InlineData("{\"from\": \"receipts\", \"groupBy\": [\"a\", \"b\", \"c\", \"d\", \"e\"], \"select\": [{\"count\": \"*\", \"as\": \"n\"}]}", "groupBy", "at most four")]
    [InlineData("{\"from\": \"checkups\", \"select\": [{\"avg\": \"exam_date\", \"as\": \"n\"}]}", "select[0].avg", "avg of date values means nothing")]
    [InlineData("{\"from\": \"receipts\", \"where\": {\"col\": \"id1\", \"between\": [\"00\", \"ff\"]}, \"select\": [{\"count\": \"*\", \"as\": \"n\"}]}", "where.between", "is a hash")]
    [InlineData("{\"from\": \"receipts\", \"where\": {\"exists\": {\"from\": \"dpc\"}, \"col\": \"sex\", \"eq\": 1}, \"select\": [{\"count\": \"*\", \"as\": \"n\"}]}", "where", "unknown field 'col'")]
    [InlineData("{\"from\": \"receipts\", \"groupBy\": [\"icd10_category\"], \"select\": [{\"count\": \"*\", \"as\": \"n\"}]}", "groupBy[0]", "table 'receipts' has no icd10 column")]
    [InlineData("{\"from\": \"receipts\"", "query", "not valid JSON")]
    [InlineData("{\"from\": \"receipts\"}", "select", "is required")]
    public void A_bad_query_is_an_error_naming_its_place(string json, string path, string message)
    {
        var error = Assert.Throws<QueryException>(() => QueryParser.Parse(json));
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void The_query_examples_validate_against_the_query_JSON_Schema()
    {
        var schema = JsonSchema.FromText(System.Text.Encoding.UTF8.GetString(SchemaFiles.Embedded.ReadAllBytes("query.schema.json")),
            new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        var examples = SchemaFiles.Embedded.Paths.Where(p => p.StartsWith("examples/", StringComparison.Ordinal) && p.EndsWith(".query.json", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(examples);
        foreach (var path in examples)
        {
            using var document = JsonDocument.Parse(SchemaFiles.Embedded.ReadAllBytes(path));
            Assert.True(schema.Evaluate(document.RootElement).IsValid, path);
            QueryParser.Parse(document.RootElement, ClaimsSchema.Default);
        }
        using var bad = JsonDocument.Parse("{\"from\": \"receipts\", \"select\": [{\"count\": \"*\", \"as\": \"n\", \"sum\": \"age\"}]}");
        Assert.False(schema.Evaluate(bad.RootElement).IsValid);
    }
}
