using System.Text.Encodings.Web;
using System.Text.Json;
using Claims.Engine;
using Claims.Engine.Linkage;
using Claims.Engine.Schema;
using Claims.Engine.Storage;
using Claims.Import.Keys;
using Claims.Import.Mapping;
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

    /// <summary>Failures listed one by one in the report; the counts per rule are always complete.</summary>
    private const int ListedFailures = 1000;

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
        var salt = SaltFile.LoadOrCreate(options.SaltFile, out _);
        var outDir = Path.GetFullPath(options.Out);
        var staging = Path.Combine(outDir, ReportFolder + ".tmp");
        var parameters = new Dictionary<string, string>
        {
            ["files"] = files.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["strict"] = options.Strict ? "true" : "false",
        };
        var writeOptions = new DatasetWriteOptions
        {
            Schema = schema,
            Access = options.Access,
            Provenance = new DatasetProvenance(false, "claims import uke (Claims.Import)", parameters),
            CompanionEntries = [ReportFolder, ReportFolder + ".tmp"],
        };
        var masters = new CodeMasters(schema);
        var mapper = new ReceiptMapper(schema, masters, new PatientKeys(salt));
        var byRule = Enum.GetValues<ValidationRule>().ToDictionary(r => r.Name(), _ => 0);
        var listed = new List<string>();
        var fileReports = new List<UkeFileReport>();
        var notStored = new Dictionary<string, int>();
        long receiptId = 0, read = 0, points = 0;
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
                void Record(IReadOnlyList<ValidationFailure> failures)
                {
                    if (failures.Count == 0) return;
                    if (options.Strict)
                        throw new ClaimsException($"{failures[0]} (--strict: nothing was imported)");
                    foreach (var failure in failures)
                    {
                        byRule[failure.Rule.Name()]++;
                        if (listed.Count < ListedFailures) listed.Add(failure.ToString());
                    }
                }
                foreach (var path in files)
                {
                    using var file = new UkeFileReader(path);
                    int receipts = 0, fileRejected = 0;
                    var charts = new HashSet<string>();
                    long filePoints = 0;
                    foreach (var receipt in file.Receipts())
                    {
                        receipts++;
                        read++;
                        if (receipt.Re[13].Length > 0) charts.Add(receipt.Re[13]);
                        var failures = new List<ValidationFailure>();
                        var mapped = mapper.Map(receipt, failures);
                        ReceiptChecks.Check(path, mapped, failures);
                        filePoints += mapped.TotalPoints;
                        Record(failures);
                        if (failures.Count == 0)
                        {
                            store.Add(++receiptId, mapped);
                            points += mapped.TotalPoints;
                        }
                        else
                        {
                            fileRejected++;
                            rejects.Write(receipt, failures);
                        }
                    }
                    var trailer = new List<ValidationFailure>();
                    TrailerChecks.Check(file, filePoints, trailer);
                    Record(trailer);
                    foreach (var type in new[] { UkeRecordTypes.Eligibility, UkeRecordTypes.Comment, UkeRecordTypes.SymptomNote })
                        if (file.RecordCounts.TryGetValue(type, out var n)) notStored[type] = notStored.GetValueOrDefault(type) + n;
                    fileReports.Add(new UkeFileReport(path, file.Facility.Convention.Name(), file.Facility.BillingMonth, file.Lines, receipts, fileRejected, charts.Count,
                        new SortedDictionary<string, int>(file.RecordCounts.ToDictionary(), StringComparer.Ordinal)));
                }
                store.Flush();
                rows = store.Rows;
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
        var unknown = masters.Unknown.Select(u => new UnknownCode(u.Key.Master, u.Key.Code, u.Value))
            .OrderByDescending(u => u.Count).ThenBy(u => u.Master, StringComparer.Ordinal).ThenBy(u => u.Code, StringComparer.Ordinal).ToArray();
        var folder = Path.Combine(outDir, ReportFolder);
        var rejectsFile = rejected > 0 ? Path.Combine(folder, "rejects.txt") : null;
        if (rejected == 0) File.Delete(Path.Combine(staging, "rejects.txt"));
        var report = new UkeImportReport(outDir, fileReports, read, receiptId, rejected, linkage.Patients, points, rows, byRule, listed, unknown,
            notStored, options.Strict, rejectsFile);
        File.WriteAllText(Path.Combine(staging, "report.json"), JsonSerializer.Serialize(report, s_json));
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.Move(staging, folder);
        return report;
    }
}
