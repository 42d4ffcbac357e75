using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Claims.Engine.Cohorts;
using Claims.Engine.Sharding;
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

    /// <summary>
    /// The extract of a split dataset's cohort (<see cref="ShardedDataset.BuildCohort"/>), written here from the rows each
    /// shard streams, shard after shard: each shard builds the cohort again from the request's definition (a patient's
    /// rows never cross shards) and sends its members' rows with their pseudonyms made there. A shard whose cohort is not
    /// its part of <paramref name="cohort"/> (another definition than the one it was built from) fails the extract.
    /// </summary>
    public static ExtractManifest Write(ShardedDataset dataset, Cohort cohort, ExtractRequest request, CancellationToken cancellationToken = default) =>
        Write(dataset.Describing, dataset.ViewMonths, cohort, request,
            (table, batch, token) => Received(dataset.ExtractRows(table.Name, request, cohort, token), batch), staged: null, cancellationToken);

    /// <param name="staged">Called with each file's name once it is written and sealed in the staging folder (from the thread that wrote it): where crash tests stop the extract.</param>
    internal static ExtractManifest Write(Dataset dataset, Cohort cohort, ExtractRequest request, Action<string>? staged, CancellationToken cancellationToken = default) =>
        Write(dataset, dataset.Months, cohort, request, (table, batch, token) => Filled(table, cohort.Patients, batch, token), staged, cancellationToken);

    /// <param name="rows">A table's rows, as full batches of the extract's (and a last one not full); the batch is emptied after each.</param>
    private static ExtractManifest Write(Dataset dataset, MonthRange? months, Cohort cohort, ExtractRequest request,
        Func<DatasetTable, ExtractBatch, CancellationToken, IEnumerable<ExtractBatch>> rows, Action<string>? staged, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(request.BatchRows, 1);
        var tables = CheckTables(dataset, request.Tables);
        if (string.IsNullOrWhiteSpace(request.Project)) throw new ClaimsException("an extract needs a project name");
        ProjectKey.Check(request.Key, "(key)");
        var definition = ParseDefinition(request.CohortDefinitionJson);

        using var folder = ExtractFolder.Prepare(request.OutDirectory, dataset.Schema.Tables.Select(t => t.Name));
        var files = WriteTables(dataset, tables, cohort, request, folder, rows, staged, cancellationToken);
        var manifest = new ExtractManifest(
            ExtractManifest.CurrentFormatVersion,
            request.Format.ToString().ToLowerInvariant(),
            DateTimeOffset.UtcNow,
            typeof(CohortExtract).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
            request.Project,
            ProjectKey.Fingerprint(request.Key),
            Pseudonyms.Scheme,
            new ExtractCohort(cohort.Name, cohort.Count, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(request.CohortDefinitionJson))), definition),
            Source(dataset, months),
            files);
        folder.Publish(files.Select(f => f.File).ToArray(), manifest.ToJson());
        return manifest;
    }

    /// <summary>
    /// A shard's part of an extract of <paramref name="table"/>: its members' rows as Arrow IPC streams, one per batch of
    /// <paramref name="batchRows"/>, pseudonymised with the project's key as the whole extract is.
    /// </summary>
    /// <param name="skip">Batches already sent: their rows are passed over, not read.</param>
    internal static IEnumerable<byte[]> Chunks(Dataset shard, Cohort cohort, string table, byte[] key, string project, int batchRows, int skip,
        CancellationToken cancellationToken)
    {
        var data = CheckTables(shard, [table])[0];
        using var pseudonyms = new Pseudonyms(key, project);
        var batch = new ExtractBatch(ExtractColumns.For(data.Schema), batchRows, cohort, pseudonyms);
        var schema = ArrowExtractWriter.SchemaOf(batch, metadata: null);
        foreach (var full in Filled(data, cohort.Patients, batch, cancellationToken, (long)skip * batchRows))
        {
            using var records = ArrowExtractWriter.Records(schema, full);
            using var bytes = new MemoryStream();
            using (var writer = new ArrowStreamWriter(bytes, schema, leaveOpen: true))
            {
                writer.WriteRecordBatch(records);
                writer.WriteEnd();
            }
            yield return bytes.ToArray();
        }
    }

    /// <summary><see cref="CheckTables(Dataset, IReadOnlyList{string})"/> for a split dataset, whose shards hold the same tables.</summary>
    public static void CheckTables(ShardedDataset dataset, IReadOnlyList<string> names) => CheckTables(dataset.Describing, names);

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
            if (!table.Schema.TryGetColumn("patient_id", out _))
                throw new ClaimsException($"table '{name}' holds no patients' rows, so a cohort has none of it to extract; query it instead");
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
        Func<DatasetTable, ExtractBatch, CancellationToken, IEnumerable<ExtractBatch>> rows, Action<string>? staged, CancellationToken cancellationToken)
    {
        var files = new ExtractedFile[tables.Count];
        var largestFirst = Enumerable.Range(0, tables.Count).OrderByDescending(i => tables[i].RowCount).ToArray();
        try
        {
            Parallel.ForEach(Partitioner.Create(largestFirst, EnumerablePartitionerOptions.NoBuffering),
                new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken },
                i =>
                {
                    files[i] = WriteTable(dataset, tables[i], cohort, request, folder, rows, cancellationToken);
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

    private static ExtractSource Source(Dataset dataset, MonthRange? months)
    {
        var manifest = dataset.Manifest;
        return new(manifest.Provenance.Synthetic, manifest.Provenance.Source, manifest.Provenance.Parameters, manifest.Access,
            manifest.SchemaHash, manifest.Generation, manifest.CreatedAt, months);
    }

    private static ExtractedFile WriteTable(Dataset dataset, DatasetTable table, Cohort cohort, ExtractRequest request, ExtractFolder folder,
        Func<DatasetTable, ExtractBatch, CancellationToken, IEnumerable<ExtractBatch>> rows, CancellationToken cancellationToken)
    {
        var fileName = table.Name + request.Format.Extension();
        using var pseudonyms = new Pseudonyms(request.Key, request.Project);
        var batch = new ExtractBatch(ExtractColumns.For(table.Schema), request.BatchRows, cohort, pseudonyms);
        var metadata = ParquetFiles.Metadata(dataset.Manifest, table.Name);
        metadata["claims.project"] = request.Project;
        long written = 0;
        using (var writer = ExtractWriters.Create(request.Format, Path.Combine(folder.Staging, fileName), batch, metadata))
        {
            foreach (var full in rows(table, batch, cancellationToken))
            {
                writer.Write(full);
                written += full.Count;
            }
            // An empty extract still gets one (empty) batch, so readers see its columns.
            if (written == 0) writer.Write(batch);
            writer.Complete();
        }
        var (bytes, sha256) = folder.Seal(fileName);
        return new ExtractedFile(table.Name, fileName, written, bytes, sha256, ExtractColumns.Withheld(table.Schema));
    }

    /// <summary>The members' rows of <paramref name="table"/> in <paramref name="batch"/>, yielded each time it is full and once more at the end if it holds any; emptied after each.</summary>
    /// <param name="skip">Rows passed over before the first is read into the batch.</param>
    private static IEnumerable<ExtractBatch> Filled(DatasetTable table, PatientSet members, ExtractBatch batch, CancellationToken cancellationToken, long skip = 0) =>
        Batched(Blocks(table, members, batch, cancellationToken, skip), batch);

    /// <summary>Each block's member rows as a run: the selection is reused, so a run is read before the next is made.</summary>
    private static IEnumerable<(int Rows, Func<int, int> Append)> Blocks(DatasetTable table, PatientSet members, ExtractBatch batch, CancellationToken cancellationToken, long skip)
    {
        int[] selection = [];
        foreach (var partition in table.Partitions)
        {
            var patients = partition.Column(ExtractColumns.PatientColumn);
            if (selection.Length < patients.BlockRows) selection = new int[patients.BlockRows];
            for (var block = 0; block < patients.BlockCount; block++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var selected = CohortRows.Select(patients, block, members, selection);
                var passed = (int)Math.Min(skip, selected);
                skip -= passed;
                yield return (selected - passed, start => batch.Append(partition, selection.AsSpan(passed + start, selected - passed - start)));
            }
        }
    }

    /// <summary>The rows of shards' Arrow chunks (<see cref="Chunks"/>) in <paramref name="batch"/>, batched as <see cref="Filled"/> batches them.</summary>
    private static IEnumerable<ExtractBatch> Received(IEnumerable<byte[]> chunks, ExtractBatch batch) => Batched(Records(chunks, batch), batch);

    private static IEnumerable<(int Rows, Func<int, int> Append)> Records(IEnumerable<byte[]> chunks, ExtractBatch batch)
    {
        foreach (var chunk in chunks)
        {
            using var records = Read(chunk);
            yield return (records.Length, start => batch.Append(records, start));
        }
    }

    /// <summary>
    /// Runs of rows put into <paramref name="batch"/> (each run's <c>Append(start)</c> adds as many from its start as
    /// fit), yielded each time it is full and once more at the end if it holds any; emptied after each.
    /// </summary>
    private static IEnumerable<ExtractBatch> Batched(IEnumerable<(int Rows, Func<int, int> Append)> runs, ExtractBatch batch)
    {
        foreach (var (rows, append) in runs)
            for (var start = 0; start < rows;)
            {
                start += append(start);
                if (!batch.IsFull) continue;
                yield return batch;
                batch.Clear();
            }
        if (batch.Count == 0) yield break;
        yield return batch;
        batch.Clear();
    }

    private static RecordBatch Read(byte[] chunk)
    {
        try
        {
            using var reader = new ArrowStreamReader(new MemoryStream(chunk, writable: false));
            var records = reader.ReadNextRecordBatch() ?? throw new InvalidDataException("no record batch");
            // One batch a part: rows past it would be dropped unseen.
            if (reader.ReadNextRecordBatch() is not null) throw new InvalidDataException("more than one record batch");
            return records;
        }
        catch (Exception e) when (e is not ClaimsException)
        {
            throw new ShardsUnavailableException("a shard sent extract rows this coordinator cannot read (another build's, or damaged)", e);
        }
    }
}
