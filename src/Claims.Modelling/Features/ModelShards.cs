using Claims.Engine;
using Claims.Engine.Cohorts;
using Claims.Engine.Sharding;
using Claims.Engine.Storage;
using Claims.Modelling.Spec;

namespace Claims.Modelling.Features;

/// <summary>
/// A model's population and features over a split dataset. A patient's rows never cross shards, so each shard finds
/// its patients' members, outcomes and feature values (<see cref="Rows"/>, run on its silo for
/// <see cref="ShardWorkKind.ModelRows"/>); what is not shard-local, which indicators enough members have, is decided
/// at the coordinator on the united population (<see cref="Gather"/>), exactly as one node decides it: members in
/// patient order, indicators in the order one node finds them, so training sees the single node's matrix.
/// </summary>
public static class ModelShards
{
    /// <summary>The shard's part of the population of <paramref name="work"/>'s spec and every feature of its members, as bytes only a coordinator reads.</summary>
    public static byte[] Rows(ShardWork work, Dataset shard, CancellationToken cancellationToken)
    {
        if (!MonthKey.IsValid(work.DataEnd)) throw new ClaimsException($"shard work: a model needs the data's last month (YYYYMM), not {work.DataEnd}");
        var spec = ModelSpecParser.Parse(work.Query, shard.Schema);
        var view = work.Scoped(shard);
        using var bytes = new MemoryStream();
        using (var writer = new BinaryWriter(bytes))
        {
            if (view is null)
            {
                writer.Write(0);
                return bytes.ToArray();
            }
            var population = Population.Build(view, spec, cancellationToken, MonthKey.ToAbsolute(work.DataEnd));
            var features = FeatureExtractor.Gather(view, population, spec.Features, cancellationToken);
            writer.Write(1);
            writer.Write(population.Count);
            for (var m = 0; m < population.Count; m++)
            {
                writer.Write(population.Patients[m]);
                writer.Write(population.Index[m]);
                writer.Write(population.Outcome[m]);
                writer.Write(population.Value[m]);
            }
            Ids(writer, population.CohortPatients);
            Ids(writer, population.NotObserved);
            writer.Write(features.Columns.Count);
            foreach (var (name, value) in features.Columns)
            {
                writer.Write(name);
                for (var m = 0; m < population.Count; m++) writer.Write(value(m));
            }
            writer.Write(features.Indicators.Count);
            foreach (var indicator in features.Indicators)
            {
                writer.Write(indicator.Name);
                writer.Write(indicator.MinMembers);
                writer.Write(checked((int)indicator.Members));
                foreach (var member in Claims.Engine.Kernels.Bitmap.SetBits(indicator.Bits)) writer.Write(member);
            }
        }
        return bytes.ToArray();
    }

    /// <summary>The united population of <paramref name="spec"/> over every shard of <paramref name="dataset"/>, with its features as one node gathers them.</summary>
    internal static (Population Population, GatheredFeatures Features) Gather(ShardedDataset dataset, ModelSpec spec, CancellationToken cancellationToken)
    {
        var answers = dataset.Scatter(new ShardWork(ShardWorkKind.ModelRows, spec.Json), cancellationToken);
        var capacity = EventScan.TryPatientCount(dataset.Manifest, out var patients) ? patients
            : throw new ClaimsException($"the dataset at '{dataset.Directory}' is not linked (no patient ids); link it before it is split");
        var parts = new List<(int Shard, Part Part)>();
        for (var s = 0; s < answers.Count; s++)
        {
            try
            {
                if (Part.Read(answers[s], dataset, s, spec.Features) is { } part) parts.Add((s, part));
            }
            catch (Exception e) when (e is IOException or ArgumentException or InvalidDataException or OverflowException or OutOfMemoryException)
            {
                // Not the reader's words: they could quote a count of the shard's.
                throw new ShardsUnavailableException($"shard {dataset.Cluster.Shards[s].Path} sent a model's rows this coordinator cannot take (another build's, or damaged)", e);
            }
        }
        // Every shard gathers the spec's own features in the spec's order; one that gathered others is another build.
        var names = parts.Count == 0 ? [] : parts[0].Part.Columns.Select(c => c.Name).ToArray();
        if (parts.FirstOrDefault(p => !p.Part.Columns.Select(c => c.Name).SequenceEqual(names)) is { Part: not null } other)
            throw new ShardsUnavailableException($"shard {dataset.Cluster.Shards[other.Shard].Path} gathered other features than shard {dataset.Cluster.Shards[parts[0].Shard].Path} (another build's)");
        return Unite([.. parts.Select(p => p.Part)], names, spec, capacity);
    }

    private static (Population, GatheredFeatures) Unite(List<Part> parts, string[] names, ModelSpec spec, int capacity)
    {
        // One node's members are in patient order; so are the united ones, each a (part, row).
        var order = parts.SelectMany((part, p) => Enumerable.Range(0, part.Patients.Length).Select(row => (Part: p, Row: row)))
            .OrderBy(member => parts[member.Part].Patients[member.Row]).ToArray();
        var rowOf = parts.Select(part => new int[part.Patients.Length]).ToArray();
        for (var m = 0; m < order.Length; m++) rowOf[order[m].Part][order[m].Row] = m;
        T[] Merged<T>(Func<Part, T[]> values) => [.. order.Select(member => values(parts[member.Part])[member.Row])];
        var (cohort, notObserved) = (new PatientSet(capacity), new PatientSet(capacity));
        foreach (var part in parts)
        {
            foreach (var patient in part.Cohort) cohort.Add(patient);
            foreach (var patient in part.NotObserved) notObserved.Add(patient);
        }
        var population = Population.Of(Merged(p => p.Patients), Merged(p => p.Index), Merged(p => p.Outcome), Merged(p => p.Value), cohort, notObserved);

        var columns = names.Select((name, c) =>
        {
            var values = Merged(p => p.Columns[c].Values);
            return (name, (Func<int, float>)(m => values[m]));
        }).ToList();
        var words = (order.Length + 63) / 64;
        var indicators = new Dictionary<string, Indicator>(StringComparer.Ordinal);
        for (var p = 0; p < parts.Count; p++)
            foreach (var (name, minMembers, members) in parts[p].Indicators)
            {
                if (!indicators.TryGetValue(name, out var indicator)) indicators[name] = indicator = new Indicator(name, new ulong[words], minMembers);
                foreach (var row in members) indicator.Bits[rowOf[p][row] >> 6] |= 1UL << rowOf[p][row];
            }
        var windows = spec.Features.Windows.Select(w => w.ToString()).ToList();
        var ordered = indicators.Values.OrderBy(i => Rank(i.Name)).ThenBy(i => Key(i.Name), StringComparer.Ordinal).ThenBy(i => Value(i.Name))
            .ThenBy(i => windows.IndexOf(Window(i.Name))).ToList();
        return (population, new GatheredFeatures(columns, ordered));
    }

    // One node's order of indicators (FeatureExtractor): each demographic's values ascending, prefecture's then the
    // insurer kind's, then the flags by name and, within a name, by window in the spec's order.
    private static int Rank(string name) =>
        Array.FindIndex(FeatureExtractor.Demographics, d => name.StartsWith(d + "=", StringComparison.Ordinal)) is var demographic and >= 0
            ? demographic : FeatureExtractor.Demographics.Length;

    private static string Key(string name) => name.Contains('=') && !name.EndsWith(']') ? "" : name[..name.LastIndexOf('[')];

    private static int Value(string name) => name.Contains('=') && !name.EndsWith(']') ? int.Parse(name[(name.IndexOf('=') + 1)..]) : 0;

    private static string Window(string name) => name.EndsWith(']') ? name[(name.LastIndexOf('[') + 1)..^1] : "";

    private static void Ids(BinaryWriter writer, PatientSet patients)
    {
        writer.Write(checked((int)patients.Count));
        foreach (var patient in patients) writer.Write(patient);
    }

    /// <summary>
    /// One shard's answer, read and checked: an answer from every shard that holds the months asked; each patient one
    /// the shard holds, each member once and in the cohort, outcomes that agree with their values; indicators named as
    /// the spec's features are (a demographic's value, or a family's code in one of the spec's windows), each once, each
    /// with members, rows inside the shard's members: nothing a shard sends can name a feature, or cost the coordinator
    /// memory, that its members' rows do not.
    /// </summary>
    private sealed record Part(int[] Patients, int[] Index, bool[] Outcome, float[] Value, int[] Cohort, int[] NotObserved,
        IReadOnlyList<(string Name, float[] Values)> Columns, IReadOnlyList<(string Name, int MinMembers, int[] Members)> Indicators)
    {
        public static Part? Read(byte[] answer, ShardedDataset dataset, int shard, FeatureSpec features)
        {
            using var reader = new BinaryReader(new MemoryStream(answer, writable: false));
            if (reader.ReadInt32() == 0)
                return dataset.Holds(shard) ? throw new InvalidDataException("no rows from a shard that holds the months asked") : null;
            var count = Count(reader, 13);
            var (patients, index, outcome, value) = (new int[count], new int[count], new bool[count], new float[count]);
            for (var m = 0; m < count; m++)
            {
                patients[m] = Patient(reader.ReadInt32(), dataset, shard);
                if (m > 0 && patients[m] <= patients[m - 1]) throw new InvalidDataException("members out of patient order");
                index[m] = reader.ReadInt32();
                outcome[m] = reader.ReadBoolean();
                value[m] = reader.ReadSingle();
            }
            var cohort = Ids(reader, dataset, shard);
            var notObserved = Ids(reader, dataset, shard);
            var inCohort = cohort.ToHashSet();
            if (!patients.All(inCohort.Contains) || !notObserved.All(inCohort.Contains)) throw new InvalidDataException("members outside the cohort");
            if (Enumerable.Range(0, count).Any(m => !float.IsFinite(value[m]) || value[m] < 0 || outcome[m] != value[m] > 0))
                throw new InvalidDataException("outcomes that are not their values");
            var columns = new (string, float[])[Count(reader, 1)];
            for (var c = 0; c < columns.Length; c++)
            {
                var name = reader.ReadString();
                var values = new float[count];
                for (var m = 0; m < count; m++) values[m] = reader.ReadSingle();
                columns[c] = (name, values);
            }
            var indicators = new (string, int, int[])[Count(reader, 1)];
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < indicators.Length; i++)
            {
                var (name, minMembers) = (reader.ReadString(), reader.ReadInt32());
                if (!names.Add(name) || minMembers != MinMembers(name, features)) throw new InvalidDataException("an indicator the spec does not make");
                var members = new int[Count(reader, sizeof(int))];
                if (members.Length == 0) throw new InvalidDataException("an indicator no member has");
                for (var k = 0; k < members.Length; k++) members[k] = reader.ReadInt32() is var row and >= 0 && row < count ? row : throw new InvalidDataException("a member past the shard's");
                indicators[i] = (name, minMembers, members);
            }
            if (reader.BaseStream.Position != reader.BaseStream.Length) throw new InvalidDataException("bytes left over");
            return new Part(patients, index, outcome, value, cohort, notObserved, columns, indicators);
        }

        /// <summary>
        /// The minimum the spec gives an indicator of this name (1 for a demographic's value, as FeatureExtractor gives
        /// it); an exception for a name the spec's features never make.
        /// </summary>
        private static int MinMembers(string name, FeatureSpec features)
        {
            foreach (var demographic in FeatureExtractor.Demographics.Select(d => d + "="))
                if (features.Demographics && name.StartsWith(demographic, StringComparison.Ordinal))
                    return sbyte.TryParse(name.AsSpan(demographic.Length), out var value) && value > 0 && value.ToString() == name[demographic.Length..]
                        ? 1 : throw new InvalidDataException("not a demographic's value");
            var open = name.LastIndexOf('[');
            var family = name.IndexOf(':') is var colon and > 0 ? name[..(colon + 1)] : "";
            var families = new[]
            {
                (features.Diagnoses is not null, FeatureExtractor.DiagnosisFamily), (features.Drugs, FeatureExtractor.DrugFamily), (features.Procedures, FeatureExtractor.ProcedureFamily),
            };
            return open > family.Length && name.EndsWith(']') && families.Contains((true, family))
                && features.Windows.Any(w => w.ToString() == name[(open + 1)..^1]) ? features.MinMembers : throw new InvalidDataException("not a feature of the spec");
        }

        /// <summary>A count no larger than the bytes left could hold at <paramref name="bytesEach"/> each, so a damaged answer cannot make it allocate more.</summary>
        private static int Count(BinaryReader reader, int bytesEach)
        {
            var count = reader.ReadInt32();
            return count >= 0 && count <= (reader.BaseStream.Length - reader.BaseStream.Position) / bytesEach ? count : throw new InvalidDataException("a count past the answer's end");
        }

        private static int[] Ids(BinaryReader reader, ShardedDataset dataset, int shard)
        {
            var ids = new int[Count(reader, sizeof(int))];
            for (var i = 0; i < ids.Length; i++) ids[i] = Patient(reader.ReadInt32(), dataset, shard);
            return ids;
        }

        private static int Patient(int id, ShardedDataset dataset, int shard) => dataset.ShardOf(id) == shard ? id : throw new InvalidDataException("a patient of another shard");
    }
}
