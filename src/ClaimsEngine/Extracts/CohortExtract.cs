using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Claims.Engine.Cohorts;
using Claims.Engine.Storage;

namespace Claims.Engine.Extracts;

/// <summary>
/// Event-level extracts for a cohort: every row of the chosen tables whose patient is a member, one file per
/// table, pseudonymised for the project (<see cref="Pseudonyms"/>), without identity hashes or birth dates
/// (<see cref="ExtractColumns"/>), and a manifest beside them (<see cref="ExtractManifest"/>).
/// Rows stream from the memory-mapped store through one <see cref="ExtractBatch"/> per table, so memory is a
/// batch's rows times the columns whatever the dataset's size; the files are published only when all are
/// written (<see cref="ExtractFolder"/>). A cancelled token stops the writing between blocks with an
/// <see cref="OperationCanceledException"/>, and nothing is published.
/// </summary>
public static class CohortExtract
{
    public static ExtractManifest Write(Dataset dataset, Cohort cohort, ExtractRequest request, CancellationToken cancellationToken = default) =>
        Write(dataset, cohort, request, staged: null, cancellationToken);

    /// <param name="staged">Called with each file's name once it is written and sealed in the staging folder (from the thread that wrote it): where crash tests stop the extract.</param>
    internal static ExtractManifest Write(Dataset dataset, Cohort cohort, ExtractRequest request, Action<string>? staged, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(request.BatchRows, 1);
        var tables = CheckTables(dataset, request.Tables);
        if (string.IsNullOrWhiteSpace(request.Project)) throw new ClaimsException("an extract needs a project name");
        ProjectKey.Check(request.Key, "(key)");
        var definition = ParseDefinition(request.CohortDefinitionJson);

        using var folder = ExtractFolder.Prepare(request.OutDirectory, dataset.Schema.Tables.Select(t => t.Name));
        var files = WriteTables(dataset, tables, cohort, request, folder, staged, cancellationToken);
        var manifest = new ExtractManifest(
            ExtractManifest.CurrentFormatVersion,
            request.Format.ToString().ToLowerInvariant(),
            DateTimeOffset.UtcNow,
            typeof(CohortExtract).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
            request.Project,
            ProjectKey.Fingerprint(request.Key),
            Pseudonyms.Scheme,
            new ExtractCohort(cohort.Name, cohort.Count, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(request.CohortDefinitionJson))), definition),
            Source(dataset),
            files);
        folder.Publish(files.Select(f => f.File).ToArray(), manifest.ToJson());
        return manifest;
    }

    /// <summary>The dataset's tables of those names; an unknown name is an error naming it and the tables there are.</summary>
    public static IReadOnlyList<DatasetTable> CheckTables(Dataset dataset, IReadOnlyList<string> names)
    {
        if (names.Count == 0) throw new ClaimsException("name at least one table to extract");
        var valid = dataset.Tables.Select(t => t.Name).ToArray();
        var tables = new List<DatasetTable>();
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            var table = dataset.Tables.FirstOrDefault(t => t.Name == name)
                        ?? throw new ClaimsException($"unknown table '{name}' (tables: {string.Join(", ", valid)})");
            tables.Add(table);
        }
        return tables;
    }

    private static JsonElement ParseDefinition(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new ClaimsException($"the cohort definition is not valid JSON: {e.Message}");
        }
    }

    /// <summary>
    /// Tables are written side by side, one per core, largest first so that the largest does not start last; each
    /// has its own batch, so memory is the cores times one batch.
    /// </summary>
    private static ExtractedFile[] WriteTables(Dataset dataset, IReadOnlyList<DatasetTable> tables, Cohort cohort, ExtractRequest request, ExtractFolder folder,
        Action<string>? staged, CancellationToken cancellationToken)
    {
        var files = new ExtractedFile[tables.Count];
        var largestFirst = Enumerable.Range(0, tables.Count).OrderByDescending(i => tables[i].RowCount).ToArray();
        try
        {
            Parallel.ForEach(Partitioner.Create(largestFirst, EnumerablePartitionerOptions.NoBuffering),
                new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken },
                i =>
                {
                    files[i] = WriteTable(dataset, tables[i], cohort, request, folder, cancellationToken);
                    staged?.Invoke(files[i].File);
                });
        }
        catch (AggregateException e)
        {
            // The caller turns a ClaimsException or an I/O error into a message; a wrapper would hide it.
            ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
        return files;
    }

    private static ExtractSource Source(Dataset dataset)
    {
        var manifest = dataset.Manifest;
        return new(manifest.Provenance.Synthetic, manifest.Provenance.Source, manifest.Provenance.Parameters, manifest.Access,
            manifest.SchemaHash, manifest.Generation, manifest.CreatedAt, dataset.Months);
    }

    private static ExtractedFile WriteTable(Dataset dataset, DatasetTable table, Cohort cohort, ExtractRequest request, ExtractFolder folder,
        CancellationToken cancellationToken)
    {
        var fileName = table.Name + request.Format.Extension();
        using var pseudonyms = new Pseudonyms(request.Key, request.Project);
        var batch = new ExtractBatch(ExtractColumns.For(table.Schema), request.BatchRows, cohort, pseudonyms);
        var metadata = ParquetFiles.Metadata(dataset.Manifest, table.Name);
        metadata["claims.project"] = request.Project;
        long rows = 0;
        using (var writer = ExtractWriters.Create(request.Format, Path.Combine(folder.Staging, fileName), batch, metadata))
        {
            var selection = Array.Empty<int>();
            foreach (var partition in table.Partitions)
            {
                var patients = partition.Column(ExtractColumns.PatientColumn);
                if (selection.Length < patients.BlockRows) selection = new int[patients.BlockRows];
                for (var block = 0; block < patients.BlockCount; block++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var selected = CohortRows.Select(patients, block, cohort.Patients, selection);
                    for (var taken = 0; taken < selected;)
                    {
                        taken += batch.Append(partition, selection.AsSpan(taken, selected - taken));
                        if (!batch.IsFull) continue;
                        writer.Write(batch);
                        rows += batch.Count;
                        batch.Clear();
                    }
                }
            }
            // An empty extract still gets one (empty) batch, so readers see its columns.
            if (batch.Count > 0 || rows == 0) writer.Write(batch);
            rows += batch.Count;
            writer.Complete();
        }
        var (bytes, sha256) = folder.Seal(fileName);
        return new ExtractedFile(table.Name, fileName, rows, bytes, sha256, ExtractColumns.Withheld(table.Schema));
    }
}
