using System.Text.Encodings.Web;
using System.Text.Json;
using Claims.Engine.Linkage;
using Claims.Engine.Population;
using Claims.Engine.Schema;
using Claims.Engine.Storage;
using Claims.Import.Keys;
using Claims.Import.Mapping;
using Claims.Import.Population;
using Claims.Import.Reading;
using Claims.Import.Reporting;
using Claims.Import.Validation;

namespace Claims.Import;

/// <summary>
/// Imports 医科 UKE files into a dataset the engine reads exactly as it reads generated ones: the store's writer
/// and atomic publish, then linkage for patient_id. Files stream receipt by receipt; a file that cannot be read
/// whole, or in strict mode any failed check, leaves the folder as it was (the previous dataset, or none).
/// </summary>
public static class UkeImporter
{
    /// <summary>The folder beside the dataset that holds the report and the rejects.</summary>
    public const string ReportFolder = "import";

    /// <summary>Chunks being mapped while the one before them is written: enough to keep both cores busy, few enough to bound memory.</summary>
    private const int MapAhead = 2;

    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // Japanese file names and codes stay readable: the report is for people, never HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static UkeImportReport Run(UkeImportOptions options, ClaimsSchema? schema = null)
    {
        schema ??= ClaimsSchema.Default;
        var files = UkeInputs.Expand(options.Inputs);
        // Read and checked before the dataset is touched: a bad line in it costs nothing.
        var population = options.Population is { } populationFile ? PopulationFile.Read(populationFile, schema) : null;
        var salt = SaltFile.LoadOrCreate(options.SaltFile);
        var outDir = Path.GetFullPath(options.Out);
        var staging = Path.Combine(outDir, ReportFolder + ".tmp");
        var parameters = new Dictionary<string, string>
        {
            ["files"] = files.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["strict"] = options.Strict ? "true" : "false",
        };
        if (options.Population is { } populationName) parameters["population"] = Path.GetFileName(populationName);
        var writeOptions = new DatasetWriteOptions
        {
            Schema = schema,
            Access = options.Access,
            Provenance = new DatasetProvenance(false, "claims import uke (Claims.Import)", parameters),
            CompanionEntries = [ReportFolder, ReportFolder + ".tmp"],
        };
        var mapper = new ReceiptMapper(schema, new CodeMasters(schema), new PatientKeys(salt));
        var log = new FailureLog(options.Strict);
        ChunkWriter written;
        IReadOnlyDictionary<string, long> rows;
        int rejected;
        try
        {
            using (var writer = DatasetWriter.Create(outDir, writeOptions))
            {
                if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
                Directory.CreateDirectory(staging);
                using var rejects = new RejectsFile(Path.Combine(staging, "rejects.txt"));
                var store = new StoreRows(writer);
                written = new ChunkWriter(store, rejects, log);
                using var stream = new ReceiptStream(files);
                // Chunks are mapped and checked on the thread pool a few ahead, and written here in file order:
                // receipt ids, rejects and the first failure under --strict are the same on every run.
                var ahead = new Queue<Task<MappedChunk>>();
                foreach (var chunk in stream.Chunks())
                {
                    ahead.Enqueue(Task.Run(() => MappedChunk.Map(chunk, mapper)));
                    if (ahead.Count > MapAhead) written.Write(ahead.Dequeue().GetAwaiter().GetResult());
                }
                while (ahead.Count > 0) written.Write(ahead.Dequeue().GetAwaiter().GetResult());
                store.Flush();
                var counted = new Dictionary<string, long>(store.Rows);
                if (population is not null) counted[PopulationTable.Name] = PopulationTable.Write(writer, population);
                rows = counted;
                rejected = rejects.Receipts;
                writer.Commit();
            }
        }
        catch
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            throw;
        }
        var linkage = PatientIdWriter.Write(outDir, LinkageMethod.Combined, schema);
        var folder = Path.Combine(outDir, ReportFolder);
        var rejectsFile = rejected > 0 ? Path.Combine(folder, "rejects.txt") : null;
        if (rejected == 0) File.Delete(Path.Combine(staging, "rejects.txt"));
        var report = new UkeImportReport(outDir, written.Files, written.Read, written.Imported, rejected, linkage.Patients, written.Points, rows,
            log.ByRule, log.Failures, written.Unknown.Listed(), written.NotStored, options.Strict, rejectsFile);
        File.WriteAllText(Path.Combine(staging, "report.json"), JsonSerializer.Serialize(report, s_json));
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.Move(staging, folder);
        return report;
    }
}
