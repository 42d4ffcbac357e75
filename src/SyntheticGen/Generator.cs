using System.Collections.Concurrent;
using System.Diagnostics;
using Claims.Engine.Linkage;
using Claims.Engine.Population;
using Claims.Engine.Storage;
using Claims.SyntheticGen.Claims;
using Claims.SyntheticGen.Facilities;
using Claims.SyntheticGen.Model;
using Claims.SyntheticGen.Output;
using Claims.SyntheticGen.Population;

namespace Claims.SyntheticGen;

/// <summary>
/// Generates a synthetic dataset straight into the store. Persons are made in chunks by worker threads, each
/// from its own random stream; one appender hands the chunks to the partition writers strictly in chunk order
/// (appending different partitions in parallel), so the column files are byte-identical for any thread count.
/// At most a few chunks are in flight, so memory stays bounded at any scale.
/// </summary>
public static class Generator
{
    public const int ChunkPersons = 1024;

    public static GenerateSummary Run(GenerateOptions options, GeneratorModel? model = null, IProgress<GenerateProgress>? progress = null)
    {
        options.Validate();
        model ??= GeneratorModel.Load();
        var stopwatch = Stopwatch.StartNew();
        var firstMonth = MonthMath.FromYyyymm(options.From);
        var births = (int)Math.Round(options.Persons * model.Calibration.BirthsPerPersonYear * options.Months / 12);
        var total = options.Persons + births;
        var calibration = model.Calibration;
        var facilities = new FacilityDirectory(model.PrefectureShares, total, calibration.DpcBedShare, calibration.OutsidePrescriptionRate);
        var factory = new PersonFactory(model, options.Seed, firstMonth, options.Months, facilities);
        var parameters = new Dictionary<string, string>
        {
            ["persons"] = options.Persons.ToString(),
            ["births"] = births.ToString(),
            ["from"] = options.From.ToString(),
            ["months"] = options.Months.ToString(),
            ["seed"] = options.Seed.ToString(),
        };
        var writeOptions = new DatasetWriteOptions
        {
            Schema = model.Schema,
            Access = options.Access,
            Provenance = new DatasetProvenance(true, "claims generate (Claims.SyntheticGen)", parameters),
            CompanionEntries = [TruthWriter.Folder, TruthWriter.Staging],
        };
        using var writer = DatasetWriter.Create(options.Out, writeOptions);
        using var truth = new TruthWriter(Path.GetFullPath(options.Out), new Dictionary<string, string> { ["claims.synthetic"] = "true", ["claims.truth"] = "true" });
        progress?.Report(new GenerateProgress(GenerateStep.Calibrating, 0, total, 0));
        // After the output folder is claimed: a folder that cannot be written is refused before seconds of piloting.
        // Up to 20,000 persons in its last rounds, since oral drug cost is heavy-tailed: on 10,000 an age group's cost
        // came out up to a fifth off.
        var rates = UtilisationCalibrator.Calibrate(model, factory, facilities, options.Seed, firstMonth, Math.Min(options.Persons, 20_000), options.Threads);
        var rows = new ConcurrentDictionary<string, long>();
        var pool = new BatchPool(4096);
        var chunks = (total + ChunkPersons - 1) / ChunkPersons;
        var ready = new ConcurrentDictionary<int, ChunkOutput>();
        var window = new SemaphoreSlim(options.Threads * 2);
        var next = -1;
        var workers = Enumerable.Range(0, options.Threads).Select(_ => Task.Run(() =>
        {
            var generator = new ChunkGenerator(model, factory, facilities, rates, options.Seed, firstMonth, options.Months, options.Persons, pool);
            while (true)
            {
                // Take the permit before the chunk number, so permits always go to the lowest chunks outstanding
                // and the appender's next chunk can never be the one left waiting.
                window.Wait();
                var chunk = Interlocked.Increment(ref next);
                if (chunk >= chunks)
                {
                    window.Release();
                    return;
                }
                var first = chunk * ChunkPersons;
                ready[chunk] = generator.Generate(first, Math.Min(ChunkPersons, total - first));
                lock (ready) Monitor.PulseAll(ready);
            }
        })).ToArray();

        var months = Enumerable.Range(0, options.Months).Select(m => MonthMath.ToYyyymm(firstMonth + m)).ToArray();
        long personsDone = 0, rowsDone = 0;
        var population = new PopulationCounts();
        for (var chunk = 0; chunk < chunks; chunk++)
        {
            ChunkOutput? output;
            lock (ready)
            {
                while (!ready.TryRemove(chunk, out output))
                {
                    var failed = workers.FirstOrDefault(w => w.IsFaulted);
                    if (failed is not null) failed.GetAwaiter().GetResult();
                    Monitor.Wait(ready, 100);
                }
            }
            Append(writer, output, months, rows, pool);
            truth.Append(output.Truth);
            population.Add(output.Population);
            personsDone += output.Truth.Persons.Count;
            rowsDone += output.Sinks().Sum(s => s.Sink.Rows);
            window.Release();
            progress?.Report(new GenerateProgress(GenerateStep.Persons, personsDone, total, rowsDone));
        }
        Task.WaitAll(workers);
        progress?.Report(new GenerateProgress(GenerateStep.Committing, personsDone, total, rowsDone));
        rows[PopulationTable.Name] = PopulationTable.Write(writer, population.Cells);
        writer.Commit();
        truth.Publish();
        // The linker writes the next generation and takes the dataset's lock, which the writer holds until disposed.
        writer.Dispose();
        progress?.Report(new GenerateProgress(GenerateStep.Linking, personsDone, total, rowsDone));
        var linkage = PatientIdWriter.Write(options.Out, LinkageMethod.Combined, model.Schema);
        return new GenerateSummary(total, new Dictionary<string, long>(rows), stopwatch.Elapsed, linkage.Elapsed, linkage.Patients);
    }

    private static void Append(DatasetWriter writer, ChunkOutput output, int[] months, ConcurrentDictionary<string, long> rows, BatchPool pool)
    {
        Parallel.ForEach(output.Sinks().Where(s => s.Sink.Rows > 0), s =>
        {
            var partition = writer.Partition(s.Sink.Table.Name, months[s.Month]);
            foreach (var batch in s.Sink.Batches)
            {
                partition.Append(batch);
                pool.Return(batch);
            }
            rows.AddOrUpdate(s.Sink.Table.Name, s.Sink.Rows, (_, n) => n + s.Sink.Rows);
        });
    }
}
