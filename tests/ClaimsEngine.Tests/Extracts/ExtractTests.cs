using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Claims.Engine.Cohorts;
using Claims.Engine.Extracts;

namespace Claims.Engine.Tests.Extracts;

public class ExtractTests(ExtractFixture fixture) : IClassFixture<ExtractFixture>
{
    private static readonly byte[] s_key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly string[] s_allTables = ["receipts", "diagnoses", "procedures", "drugs", "devices", "dpc", "checkups"];
    private const string Definition = "{ \"name\": \"every third\",\n  \"entry\": { \"table\": \"receipts\" } }";

    private ExtractManifest Extract(string folder, ExtractFormat format = ExtractFormat.Parquet, byte[]? key = null, string project = "p1",
        IReadOnlyList<string>? tables = null, Cohort? cohort = null, int batchRows = 1 << 16, CancellationToken cancellationToken = default) =>
        CohortExtract.Write(fixture.Dataset, cohort ?? fixture.Cohort, new ExtractRequest
        {
            Project = project, Key = key ?? s_key, Tables = tables ?? s_allTables, Format = format, OutDirectory = folder,
            CohortDefinitionJson = Definition, BatchRows = batchRows,
        }, cancellationToken);

    [Fact]
    public void Parquet_extract_holds_exactly_the_cohort_rows_of_every_table_pseudonymised()
    {
        var folder = fixture.NewFolder();
        var manifest = Extract(folder, batchRows: 5_000);
        foreach (var table in s_allTables)
        {
            var expected = fixture.Rows($"SELECT * EXCLUDE (filename, file_row_number) FROM read_parquet('{fixture.Export(table)}', filename = true, file_row_number = true) " +
                                        "WHERE patient_id IN (SELECT patient_id FROM cohort) ORDER BY filename, file_row_number");
            var extracted = fixture.Rows($"SELECT * EXCLUDE (file_row_number) FROM read_parquet('{Path.Combine(folder, table + ".parquet")}', file_row_number = true) ORDER BY file_row_number");
            Assert.Equal(expected.Count, extracted.Count);
            Assert.Equal(expected.Count, manifest.Files.Single(f => f.Table == table).Rows);
            if (table != "devices" && table != "dpc") Assert.True(expected.Count > 0, $"{table} has no cohort rows to compare");
            for (var r = 0; r < expected.Count; r++)
            {
                var source = expected[r];
                var patient = (int)source["patient_id"]!;
                foreach (var (name, value) in extracted[r])
                {
                    var want = name switch
                    {
                        "patient_id" => PatientPseudonym(s_key, "p1", patient),
                        "index_date" => new DateOnly(fixture.Cohort.IndexMonth(patient) / 100, fixture.Cohort.IndexMonth(patient) % 100, 1),
                        "exit_date" => new DateOnly(2023, 6, 30),
                        "receipt_id" or "checkup_id" => source[name] is long id ? RecordPseudonym(s_key, "p1", name, id) : null,
                        _ => source[name],
                    };
                    if (!Equals(want, value)) Assert.Fail($"{table}.{name} row {r}: expected {want ?? "null"}, the extract holds {value ?? "null"}");
                }
            }
        }
    }

    [Fact]
    public void Identity_hashes_and_birth_dates_never_leave_but_age_does()
    {
        var folder = fixture.NewFolder();
        var manifest = Extract(folder, tables: ["receipts", "checkups"]);
        foreach (var table in new[] { "receipts", "checkups" })
        {
            var columns = fixture.Rows($"DESCRIBE SELECT * FROM read_parquet('{Path.Combine(folder, table + ".parquet")}')")
                .ToDictionary(r => (string)r["column_name"]!, r => (string)r["column_type"]!);
            Assert.DoesNotContain(columns.Keys, c => c is "id1" or "id2" or "id5" or "birth_ym");
            Assert.Equal("VARCHAR", columns["patient_id"]);
            Assert.Equal("DATE", columns["index_date"]);
            Assert.Equal("DATE", columns["exit_date"]);
            Assert.Contains("age", columns.Keys);
            Assert.Equal(table == "receipts" ? ["birth_ym", "id1", "id2", "id5"] : ["id1", "id2", "id5"], manifest.Files.Single(f => f.Table == table).Withheld.Order());
        }
    }

    [Fact]
    public void Pseudonyms_are_stable_within_a_project_and_share_nothing_across_projects_or_keys()
    {
        var first = fixture.NewFolder();
        var again = fixture.NewFolder();
        var otherKey = fixture.NewFolder();
        var otherProject = fixture.NewFolder();
        Extract(first, tables: ["receipts"]);
        Extract(again, tables: ["receipts"]);
        Extract(otherKey, tables: ["receipts"], key: s_key.Select(b => (byte)(b ^ 0x5a)).ToArray());
        Extract(otherProject, tables: ["receipts"], project: "p2");
        Assert.Equal(File.ReadAllBytes(Path.Combine(first, "receipts.parquet")), File.ReadAllBytes(Path.Combine(again, "receipts.parquet")));
        foreach (var other in new[] { otherKey, otherProject })
        {
            foreach (var column in new[] { "patient_id", "receipt_id" })
            {
                var shared = fixture.Scalar($"SELECT count(*) FROM (SELECT {column} FROM read_parquet('{Path.Combine(first, "receipts.parquet")}') " +
                                            $"INTERSECT SELECT {column} FROM read_parquet('{Path.Combine(other, "receipts.parquet")}'))");
                Assert.Equal(0L, Convert.ToInt64(shared));
            }
            var patients = fixture.Scalar($"SELECT count(DISTINCT patient_id) FROM read_parquet('{Path.Combine(other, "receipts.parquet")}')");
            Assert.Equal(fixture.Scalar($"SELECT count(DISTINCT patient_id) FROM read_parquet('{Path.Combine(first, "receipts.parquet")}')"), patients);
        }
    }

    [Fact]
    public void Line_tables_join_their_receipts_through_the_pseudonymised_receipt_id()
    {
        var folder = fixture.NewFolder();
        Extract(folder, tables: ["receipts", "diagnoses"]);
        var orphans = fixture.Scalar($"SELECT count(*) FROM read_parquet('{Path.Combine(folder, "diagnoses.parquet")}') d " +
                                     $"ANTI JOIN read_parquet('{Path.Combine(folder, "receipts.parquet")}') r ON d.receipt_id = r.receipt_id AND d.patient_id = r.patient_id");
        Assert.Equal(0L, Convert.ToInt64(orphans));
    }

    [Fact]
    public void Arrow_and_csv_hold_the_same_rows_as_parquet()
    {
        var parquet = fixture.NewFolder();
        var arrow = fixture.NewFolder();
        var csv = fixture.NewFolder();
        string[] tables = ["receipts", "diagnoses", "drugs", "checkups"];
        Extract(parquet, tables: tables, batchRows: 3_000);
        var arrowManifest = Extract(arrow, ExtractFormat.Arrow, tables: tables, batchRows: 3_000);
        Extract(csv, ExtractFormat.Csv, tables: tables);
        foreach (var table in tables)
        {
            var reference = $"read_parquet('{Path.Combine(parquet, table + ".parquet")}')";
            var columns = fixture.Rows($"DESCRIBE SELECT * FROM {reference}");
            var types = string.Join(", ", columns.Select(c => $"'{c["column_name"]}': '{c["column_type"]}'"));
            var fromCsv = $"read_csv('{Path.Combine(csv, table + ".csv")}', header = true, allow_quoted_nulls = false, columns = {{{types}}})";
            AssertSameRows(reference, fromCsv);
            Assert.Equal("receipt_id,", File.ReadAllText(Path.Combine(csv, table + ".csv"))[..11].Replace("checkup_id,", "receipt_id,"));

            using var stream = File.OpenRead(Path.Combine(arrow, table + ".arrow"));
            using var reader = new ArrowFileReader(stream);
            Assert.Equal(columns.Select(c => (string)c["column_name"]!), reader.Schema.FieldsList.Select(f => f.Name));
            Assert.Equal("true", reader.Schema.Metadata["claims.synthetic"]);
            var expected = fixture.Rows($"SELECT * EXCLUDE (file_row_number) FROM read_parquet('{Path.Combine(parquet, table + ".parquet")}', file_row_number = true) ORDER BY file_row_number");
            var row = 0;
            while (reader.ReadNextRecordBatch() is { } batch)
            {
                using (batch)
                {
                    Assert.True(batch.Length <= 3_000);
                    for (var i = 0; i < batch.Length; i++, row++)
                    for (var c = 0; c < batch.ColumnCount; c++)
                    {
                        var name = batch.Schema.FieldsList[c].Name;
                        var value = ArrowValue(batch.Column(c), i);
                        if (!Equals(expected[row][name], value)) Assert.Fail($"{table}.{name} row {row}: Parquet holds {expected[row][name] ?? "null"}, Arrow {value ?? "null"}");
                    }
                }
            }
            Assert.Equal(arrowManifest.Files.Single(f => f.Table == table).Rows, row);
            Assert.Equal(expected.Count, row);
        }
    }

    [Fact]
    public void Manifest_records_checksums_cohort_definition_project_and_provenance_but_never_the_key()
    {
        var folder = fixture.NewFolder();
        var manifest = Extract(folder, tables: ["receipts", "drugs"]);
        var text = File.ReadAllText(Path.Combine(folder, "manifest.json"));
        var read = ExtractManifest.Read(folder);
        Assert.Equal(["drugs.parquet", "manifest.json", "receipts.parquet"], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Order());
        foreach (var file in read.Files)
        {
            var bytes = File.ReadAllBytes(Path.Combine(folder, file.File));
            Assert.Equal(bytes.LongLength, file.Bytes);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), file.Sha256);
        }
        Assert.Equal(manifest.Files.Select(f => f.Rows), read.Files.Select(f => f.Rows));
        Assert.Equal("every third", read.Cohort.Name);
        Assert.Equal(fixture.Cohort.Count, read.Cohort.Size);
        Assert.Equal("receipts", read.Cohort.Definition.GetProperty("entry").GetProperty("table").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Definition))), read.Cohort.DefinitionSha256);
        Assert.Equal("p1", read.Project);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(s_key))[..8], read.KeyFingerprint);
        Assert.True(read.Dataset.Synthetic);
        Assert.Equal(fixture.Dataset.Manifest.SchemaHash, read.Dataset.SchemaHash);
        Assert.Equal(fixture.Dataset.Manifest.Provenance.Parameters, read.Dataset.Parameters);
        Assert.DoesNotContain(Convert.ToHexStringLower(s_key), text);
        Assert.DoesNotContain(Convert.ToBase64String(s_key), text);
        using var json = JsonDocument.Parse(text);
        Assert.Equal("parquet", json.RootElement.GetProperty("format").GetString());
    }

    [Fact]
    public void A_folder_holding_foreign_files_is_refused_and_an_earlier_extract_is_replaced()
    {
        var folder = fixture.NewFolder();
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "analysis.R"), "mine");
        var error = Assert.Throws<ClaimsException>(() => Extract(folder, tables: ["receipts"]));
        Assert.Contains("analysis.R", error.Message);
        Assert.Equal(["analysis.R"], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName));

        File.Delete(Path.Combine(folder, "analysis.R"));
        Extract(folder, ExtractFormat.Csv, tables: ["receipts", "drugs"]);
        Extract(folder, tables: ["diagnoses"]);
        Assert.Equal(["diagnoses.parquet", "manifest.json"], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void A_cancelled_extract_writes_nothing_and_leaves_an_earlier_extract_as_it_was()
    {
        var folder = fixture.NewFolder();
        Extract(folder, tables: ["receipts"]);
        var before = File.ReadAllText(Path.Combine(folder, "manifest.json"));
        Assert.ThrowsAny<OperationCanceledException>(() => Extract(folder, tables: ["drugs"], cancellationToken: new CancellationToken(canceled: true)));
        Assert.Equal(["manifest.json", "receipts.parquet"], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Order());
        Assert.Equal(before, File.ReadAllText(Path.Combine(folder, "manifest.json")));
    }

    [Fact]
    public void Unknown_tables_and_short_keys_are_errors_that_name_them()
    {
        var error = Assert.Throws<ClaimsException>(() => Extract(fixture.NewFolder(), tables: ["receipts", "claims"]));
        Assert.Contains("'claims'", error.Message);
        Assert.Contains("receipts, diagnoses", error.Message);

        using var temp = new Claims.Testing.TempDirectory();
        var path = temp.Combine("short.key");
        File.WriteAllBytes(path, new byte[16]);
        error = Assert.Throws<ClaimsException>(() => ProjectKey.ReadOrCreate(path, out _));
        Assert.Contains(path, error.Message);

        var created = ProjectKey.ReadOrCreate(temp.Combine("new.key"), out var isNew);
        Assert.True(isNew);
        Assert.Equal(32, created.Length);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(temp.Combine("new.key")));
        Assert.Equal(created, ProjectKey.ReadOrCreate(temp.Combine("new.key"), out isNew));
        Assert.False(isNew);
    }

    [Fact]
    public void Batches_bound_what_is_held_and_an_empty_cohort_still_gives_readable_files()
    {
        var folder = fixture.NewFolder();
        Extract(folder, tables: ["drugs"], batchRows: 1_000);
        var largest = fixture.Scalar($"SELECT max(row_group_num_rows) FROM parquet_metadata('{Path.Combine(folder, "drugs.parquet")}')");
        Assert.Equal(1_000L, Convert.ToInt64(largest));

        var empty = new Cohort("nobody", new PatientSet(10), new int[10], new int[10], []);
        var none = fixture.NewFolder();
        foreach (var format in new[] { ExtractFormat.Parquet, ExtractFormat.Csv })
        {
            var manifest = Extract(none, format, tables: ["receipts"], cohort: empty);
            Assert.Equal(0, manifest.Files.Single().Rows);
        }
        Assert.Equal(0L, Convert.ToInt64(fixture.Scalar($"SELECT count(*) FROM read_csv('{Path.Combine(none, "receipts.csv")}', header = true)")));
    }

    private static object? ArrowValue(IArrowArray array, int row) => array.IsNull(row) ? null : array switch
    {
        BooleanArray a => a.GetValue(row),
        Int8Array a => a.GetValue(row),
        Int16Array a => a.GetValue(row),
        Int32Array a => a.GetValue(row),
        Int64Array a => a.GetValue(row),
        FloatArray a => a.GetValue(row),
        Date32Array a => a.GetDateOnly(row),
        StringArray a => a.GetString(row),
        _ => throw new InvalidOperationException(array.GetType().Name),
    };

    private void AssertSameRows(string left, string right)
    {
        foreach (var (a, b) in new[] { (left, right), (right, left) })
        {
            var missing = fixture.Rows($"SELECT * FROM {a} EXCEPT ALL SELECT * FROM {b} LIMIT 3");
            Assert.True(missing.Count == 0, $"rows of {a} missing from {b}: {string.Join("; ", missing.Select(r => string.Join(", ", r.Values)))}");
        }
    }

    /// <summary>The pseudonym scheme written out independently of <see cref="Pseudonyms"/>, so the test checks the documented scheme.</summary>
    private static byte[] ProjectKeyOf(byte[] key, string project) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("claims.extract.project:" + project));

    private static string PatientPseudonym(byte[] key, string project, int patient)
    {
        var message = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(message, patient);
        return Convert.ToHexStringLower(HMACSHA256.HashData(ProjectKeyOf(key, project), message).AsSpan(0, 8));
    }

    private static long RecordPseudonym(byte[] key, string project, string column, long id)
    {
        using var aes = Aes.Create();
        aes.Key = HMACSHA256.HashData(ProjectKeyOf(key, project), Encoding.UTF8.GetBytes("claims.extract.record:" + column));
        var block = new byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(block, id);
        return BinaryPrimitives.ReadInt64LittleEndian(aes.EncryptEcb(block, PaddingMode.None));
    }
}
