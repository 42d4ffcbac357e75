using System.Text.Json.Nodes;
using Claims.Engine.Query;
using Claims.Engine.Schema;
using Claims.Engine.Storage;
using Claims.Engine.Tests.Query;
using Claims.Testing;

namespace Claims.Engine.Tests.Storage;

/// <summary>
/// Datasets of an earlier format keep opening, and those of a later one are refused by name. The fixture is a
/// version 1 dataset (four-byte dictionary ids) and its Parquet export, both written by the build before narrow
/// ids (commit 3cdda5d: `claims generate --persons 150 --months 1 --seed 7`, then `claims export`), so the answers
/// it is held to do not come from the reader under test.
/// </summary>
public class FormatVersionTests
{
    private static string Fixture => Path.Combine(RepoPaths.Root, "tests", "ClaimsEngine.Tests", "Storage", "Fixtures", "format-v1");
    private static string Dataset1 => Path.Combine(Fixture, "dataset");
    private static string Export1 => Path.Combine(Fixture, "parquet");

    [Fact]
    public void A_version_1_dataset_opens_with_its_four_byte_ids_and_answers_as_the_export_that_version_wrote()
    {
        using var dataset = Dataset.Open(Dataset1, ChecksumVerification.AtOpen);
        Assert.Equal(1, dataset.Manifest.FormatVersion);
        var dictionaryColumns = dataset.Tables.SelectMany(t => t.Partitions).SelectMany(p => p.Columns).Where(c => c.Schema.Type.IsDictionary()).ToList();
        Assert.True(dictionaryColumns.Count >= 7, $"{dictionaryColumns.Count} dictionary columns");
        Assert.All(dictionaryColumns, c => Assert.Equal(c.Schema.Type, c.StoredType));

        using var duck = new DuckOracle();
        duck.Attach(dataset, Export1);
        foreach (var column in dictionaryColumns)
        {
            var expected = duck.Rows($"SELECT {column.Schema.Name} FROM {column.Schema.Table}").Select(r => (string?)r[0]).ToList();
            Assert.Equal(expected, Enumerable.Range(0, column.RowCount).Select(r => (string?)column.GetValue(r)));
        }
        (string Json, string Sql)[] queries =
        [
            ("""{"from": "diagnoses", "groupBy": ["icd10"], "select": [{"count": "*", "as": "n"}, {"countDistinct": "patient_id", "as": "p"}]}""",
                "SELECT icd10, count(*), count(DISTINCT patient_id) FROM diagnoses GROUP BY 1"),
            ("""{"from": "procedures", "where": {"col": "code", "prefix": "1"}, "groupBy": ["shinryo_shikibetsu"], "select": [{"sum": "points", "as": "points"}]}""",
                "SELECT shinryo_shikibetsu, sum(points) FROM procedures WHERE starts_with(code, '1') GROUP BY 1"),
            ("""{"from": "receipts", "where": {"exists": {"from": "drugs", "where": {"col": "yj_code", "prefix": "2"}}}, "select": [{"count": "*", "as": "n"}]}""",
                "SELECT count(*) FROM receipts r WHERE EXISTS (SELECT 1 FROM drugs d WHERE d.receipt_id = r.receipt_id AND starts_with(d.yj_code, '2'))"),
        ];
        foreach (var (json, sql) in queries)
        {
            var engine = QueryOracle.Rows(dataset.Execute(json)).Select(r => string.Join("|", r)).Order().ToList();
            var oracle = duck.Rows(sql).Select(r => string.Join("|", r.Select(QueryOracle.Canonical))).Order().ToList();
            Assert.NotEmpty(oracle);
            Assert.Equal(oracle, engine);
        }
    }

    [Fact]
    public void A_dataset_of_a_later_format_is_refused_by_its_manifest_and_a_later_column_file_by_its_name()
    {
        using var temp = new TempDirectory();
        var copy = temp.Combine("v3");
        CopyDirectory(Dataset1, copy);
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(copy, DatasetManifest.FileName)))!;
        manifest["formatVersion"] = 3;
        File.WriteAllText(Path.Combine(copy, DatasetManifest.FileName), manifest.ToJsonString());
        Assert.Equal("manifest.json: dataset format version 3 is not supported (this build reads versions 1 to 2)",
            Assert.Throws<StoreException>(() => Dataset.Open(copy)).Message);

        Assert.Equal("diagnoses/202304/icd10.col: column file format version 3 is not supported (this build reads versions 1 to 2)",
            Refusal(temp.Combine("column-v3"), "diagnoses", "icd10", header => header[10] = 3));
        // A version 2 header must give a width its type can have: four-byte ids narrowed to three bytes are no such thing.
        Assert.Equal("diagnoses/202304/icd10.col: header gives 3-byte values for a code column",
            Refusal(temp.Combine("width-3"), "diagnoses", "icd10", header => (header[10], header[56]) = (2, 3)));
        Assert.Equal("diagnoses/202304/icd10.col: header names column type 200, which this build does not know",
            Refusal(temp.Combine("type-200"), "diagnoses", "icd10", header => header[8] = 200));
        // Headers that contradict the file: one value in every row of a column with nulls; one-byte ids for 224 codes.
        Assert.Equal("receipts/202304/admission_date.col: header says every row holds one value, yet the column has nulls or no rows",
            Refusal(temp.Combine("constant-with-nulls"), "receipts", "admission_date", header => (header[10], header[56]) = (2, 0)));
        Assert.Equal("drugs/202304/code.col: header gives 1-byte ids for a dictionary of 224 entries",
            Refusal(temp.Combine("ids-too-narrow"), "drugs", "code", header => (header[10], header[56]) = (2, 1)));
    }

    /// <summary>The message opening one of the fixture's columns gives once <paramref name="patch"/> has changed its header (and the manifest its checksum).</summary>
    private static string Refusal(string copy, string table, string column, Action<byte[]> patch)
    {
        CopyDirectory(Dataset1, copy);
        var manifestPath = Path.Combine(copy, DatasetManifest.FileName);
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        var file = Path.Combine(copy, (string)manifest["generation"]!, table, "202304", column + ".col");
        var bytes = File.ReadAllBytes(file);
        patch(bytes);
        File.WriteAllBytes(file, bytes);
        using (var handle = File.OpenHandle(file)) Checksum(manifest, table, column, handle, bytes.Length);
        File.WriteAllText(manifestPath, manifest.ToJsonString());
        using var dataset = Dataset.Open(copy);
        return Assert.Throws<StoreException>(() => dataset.Table(table).Partitions.Single().Column(column).StoredType).Message;
    }

    private static void Checksum(JsonNode manifest, string table, string column, Microsoft.Win32.SafeHandles.SafeFileHandle handle, long length)
    {
        var entry = manifest["tables"]!.AsArray().Single(t => (string)t!["name"]! == table)!["partitions"]!.AsArray().Single()!["files"]!.AsArray()
            .Single(f => (string)f!["file"]! == column + ".col")!;
        entry["xxh3"] = Engine.Storage.Checksum.OfFile(handle, length);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
