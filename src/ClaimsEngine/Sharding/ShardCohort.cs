using Claims.Engine.Cohorts;
using Claims.Engine.Storage;

namespace Claims.Engine.Sharding;

/// <summary>
/// A shard's cohort as the bytes it sends its coordinator: each attrition step's patients, then each member with its
/// index and exit months. A patient never crosses shards, so the split dataset's cohort is the union of the shards'
/// (<see cref="Merge"/>), its attrition the sums of theirs: what one node builds, to the patient. The coordinator takes
/// nothing from a shard on trust: the rules are its own, and every patient must be one the shard holds.
/// </summary>
internal static class ShardCohort
{
    /// <summary>The bytes of <paramref name="cohort"/>; of none (null) when the shard holds none of the asked months.</summary>
    public static byte[] Write(Cohort? cohort)
    {
        using var bytes = new MemoryStream();
        using (var writer = new BinaryWriter(bytes))
        {
            writer.Write(cohort?.Attrition.Count ?? 0);
            if (cohort is not null)
            {
                foreach (var step in cohort.StepPatients) Ids(writer, step);
                Ids(writer, cohort.Patients);
                foreach (var patient in cohort.Patients)
                {
                    writer.Write(cohort.IndexMonth(patient));
                    writer.Write(cohort.ExitMonth(patient));
                }
            }
        }
        return bytes.ToArray();
    }

    /// <summary>
    /// The cohort of <paramref name="definition"/> over every shard's answer. An answer that does not read, has other
    /// steps than the definition makes, names a patient of another shard, is not nested step by step, or is missing
    /// from a shard that holds the months asked, fails the cohort as the cluster's fault, naming the shard and no figure.
    /// </summary>
    public static Cohort Merge(ShardedDataset cluster, CohortDefinition definition, IReadOnlyList<byte[]> answers)
    {
        var rules = CohortBuilder.StepNames(definition);
        var capacity = EventScan.PatientCount(cluster.Describing);
        var steps = rules.Select(_ => new PatientSet(capacity)).ToArray();
        var members = new PatientSet(capacity);
        int[] index = new int[capacity], exit = new int[capacity];
        for (var s = 0; s < answers.Count; s++)
        {
            try
            {
                using var reader = new BinaryReader(new MemoryStream(answers[s], writable: false));
                var count = reader.ReadInt32();
                if (count == 0 && !cluster.Holds(s)) continue;
                if (count != rules.Count) throw new InvalidDataException("not the definition's steps");
                HashSet<int>? previous = null;
                foreach (var step in steps)
                {
                    var ids = Ids(reader, cluster, s);
                    if (previous is not null && !ids.IsSubsetOf(previous)) throw new InvalidDataException("a step keeps a patient the one before took out");
                    foreach (var patient in ids) step.Add(patient);
                    previous = ids;
                }
                var shardMembers = Ids(reader, cluster, s);
                if (!shardMembers.SetEquals(previous!)) throw new InvalidDataException("members that are not the last step's");
                foreach (var patient in shardMembers.Order())
                {
                    members.Add(patient);
                    index[patient] = Month(reader.ReadInt32());
                    exit[patient] = Month(reader.ReadInt32());
                }
                if (reader.BaseStream.Position != reader.BaseStream.Length) throw new InvalidDataException("bytes left over");
            }
            catch (Exception e) when (e is IOException or ArgumentException or InvalidDataException or OverflowException or OutOfMemoryException)
            {
                // Not the reader's words: they could quote a count of the shard's.
                throw new ShardsUnavailableException($"shard {cluster.Cluster.Shards[s].Path} sent a cohort this coordinator cannot take (another build's, or damaged)", e);
            }
        }
        var attrition = rules.Select((rule, i) => new AttritionStep(rule, steps[i].Count, i == 0 ? 0 : steps[i - 1].Count - steps[i].Count)).ToArray();
        return new Cohort(definition.Name, members, index, exit, attrition, steps);
    }

    private static void Ids(BinaryWriter writer, PatientSet patients)
    {
        writer.Write(checked((int)patients.Count));
        foreach (var patient in patients) writer.Write(patient);
    }

    /// <summary>A list of patients, each once, each one shard <paramref name="shard"/> holds; no longer than the bytes left could carry.</summary>
    private static HashSet<int> Ids(BinaryReader reader, ShardedDataset cluster, int shard)
    {
        var count = reader.ReadInt32();
        if (count < 0 || count > (reader.BaseStream.Length - reader.BaseStream.Position) / sizeof(int)) throw new InvalidDataException("a patient count past the answer's end");
        var ids = new HashSet<int>(count);
        for (var i = 0; i < count; i++)
            if (!ids.Add(reader.ReadInt32() is var patient && cluster.ShardOf(patient) == shard ? patient : throw new InvalidDataException("a patient of another shard")))
                throw new InvalidDataException("a patient twice");
        return ids;
    }

    private static int Month(int key) => key == 0 || MonthKey.IsValid(key) ? key : throw new InvalidDataException("not a month");
}
