using System.Text.Json.Nodes;
using Claims.Engine.Schema;
using Claims.Testing;

namespace Claims.Engine.Tests.Schema;

public class SchemaFilesTests
{
    [Fact]
    public void Every_schema_file_validates_against_the_JSON_Schema_beside_it()
    {
        var files = SchemaFiles.Embedded;
        Assert.Contains("tables.json", files.Paths);
        Assert.Contains("enums.json", files.Paths);
        Assert.Contains("checkup-items.json", files.Paths);
        Assert.Contains("masters/masters.json", files.Paths);
        Assert.Empty(SchemaValidator.Validate(files));
    }

    [Fact]
    public void The_embedded_schema_is_the_one_in_data_schemas()
    {
        var onDisk = ClaimsSchema.Load(SchemaFiles.FromDirectory(RepoPaths.DataSchemas));
        Assert.Equal(onDisk.Hash, ClaimsSchema.Default.Hash);
    }

    [Fact]
    public void The_issue_tables_and_columns_are_defined()
    {
        var schema = ClaimsSchema.Default;
        string[] receipts = ["receipt_id", "claim_kind", "service_month", "prefecture", "facility_id", "receipt_type", "insurer_kind",
            "sex", "age", "birth_ym", "id1", "id2", "id5", "patient_id", "total_points", "actual_days", "admission_date", "dpc_code"];
        Assert.All(receipts, c => schema.Table("receipts").Column(c));
        Assert.True(schema.Table("receipts").Column("id5").Nullable);
        Assert.Equal(LogicalType.Hash, schema.Table("receipts").Column("id1").Type);
        foreach (var line in new[] { "diagnoses", "procedures", "drugs", "devices", "dpc" })
        {
            var table = schema.Table(line);
            Assert.Equal("receipts", table.ParentTable);
            table.Column("patient_id");
            Assert.Equal("service_month", table.PartitionColumn.Name);
        }
        Assert.All(["disease_code", "icd10", "start_date", "outcome", "is_main", "is_suspected"], c => schema.Table("diagnoses").Column(c));
        Assert.All(["shinryo_shikibetsu", "code", "yj_code", "drug_class", "quantity", "points", "times"], c => schema.Table("drugs").Column(c));
        Assert.All(["exam_date", "bmi", "hba1c", "egfr", "guidance_level"], c => schema.Table("checkups").Column(c));
    }

    [Fact]
    public void Enumerations_hold_the_domain_codes()
    {
        var schema = ClaimsSchema.Default;
        Assert.Equal("医科入院外", schema.Enum("claim_kind")[2].Ja);
        Assert.Equal(47, schema.Enum("prefecture").Values.Count);
        Assert.Equal("東京都", schema.Enum("prefecture")[13].Ja);
        var population = schema.Enum("prefecture").Values.Sum(p => p.Attributes["population_2023"].GetInt64());
        Assert.InRange(population, 123_000_000, 126_000_000);
        Assert.True(schema.Enum("receipt_type")[1111].Attributes["inpatient"].GetBoolean());
        Assert.False(schema.Enum("receipt_type")[1112].Attributes["inpatient"].GetBoolean());
        Assert.True(schema.Enum("drug_class").Contains(396));
        Assert.Equal(4, schema.Enum("outcome").Values.Count);
    }

    [Theory]
    [InlineData("diseases", "2500013", "icd10", "E14")]
    [InlineData("diseases", "8833421", "icd10", "I10")]
    [InlineData("procedures", "111000110", "points", "291")]
    [InlineData("drugs", "620098801", "yj_code", "1149019F1560")]
    public void Masters_are_derived_from_the_real_basic_masters(string master, string code, string column, string expected)
    {
        var table = ClaimsSchema.Default.Master(master).Table;
        var row = table.Rows.Single(r => r[table.IndexOf("code")] == code);
        Assert.Equal(expected, row[table.IndexOf(column)]);
    }

    [Fact]
    public void Every_master_has_the_rows_and_validity_columns_masters_json_promises()
    {
        foreach (var master in ClaimsSchema.Default.Masters)
        {
            Assert.Equal(master.Rows, master.Table.Rows.Count);
            Assert.True(master.HasColumn("valid_from"), master.Name);
            Assert.True(master.HasColumn("valid_to"), master.Name);
            var codes = master.Table.Rows.Select(r => r[master.Table.IndexOf(master.KeyColumn)]).ToArray();
            Assert.Equal(codes.Length, codes.Distinct().Count());
        }
        Assert.All(ClaimsSchema.Default.Master("procedures").Table.Rows, r => Assert.StartsWith("1", r[0]));
        Assert.All(ClaimsSchema.Default.Master("drugs").Table.Rows, r => Assert.StartsWith("6", r[0]));
        Assert.All(ClaimsSchema.Default.Master("devices").Table.Rows, r => Assert.StartsWith("7", r[0]));
    }

    [Fact]
    public void Unknown_tables_and_columns_are_errors_that_name_them()
    {
        var schema = ClaimsSchema.Default;
        var table = Assert.Throws<SchemaException>(() => schema.Table("recepits"));
        Assert.Contains("'recepits'", table.Message);
        Assert.Contains("receipts", table.Message);
        var column = Assert.Throws<SchemaException>(() => schema.Table("receipts").Column("totl_points"));
        Assert.Contains("'totl_points'", column.Message);
        Assert.Contains("total_points", column.Message);
    }

    [Fact]
    public void An_invalid_schema_file_fails_to_load_with_the_file_and_place_named()
    {
        using var temp = new TempDirectory();
        SchemaCopies.Write(temp.Path, t => t["tables"]![0]!["columns"]![1]!["type"] = "int9");
        var error = Assert.Throws<SchemaException>(() => ClaimsSchema.Load(SchemaFiles.FromDirectory(temp.Path)));
        Assert.Contains("tables.json", error.Message);
        Assert.Contains("/tables/0/columns/1/type", error.Message);
    }

    [Fact]
    public void A_column_naming_an_unknown_enum_fails_to_load()
    {
        using var temp = new TempDirectory();
        SchemaCopies.Write(temp.Path, t => t["tables"]![0]!["columns"]![1]!["codeSystem"] = "enum:claim_kinds");
        var error = Assert.Throws<SchemaException>(() => ClaimsSchema.Load(SchemaFiles.FromDirectory(temp.Path)));
        Assert.Contains("receipts.claim_kind", error.Message);
        Assert.Contains("claim_kinds", error.Message);
    }
}
