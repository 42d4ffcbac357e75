using Claims.Engine.Cohorts;
using Claims.Engine.Storage;

namespace Claims.Engine.Sharding;

/// <summary>
/// A shard's cohort as the bytes it sends its coordinator: each attrition step's rule and patients, then each member
/// with its index and exit months. A patient never crosses shards, so the split dataset's cohort is the union of the
/// shards' (<see cref="Merge"/>), its attrition the sums of theirs: what one node builds, to the patient.
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
                for (var s = 0; s < cohort.Attrition.Count; s++)
                {
                    writer.Write(cohort.Attrition[s].Rule);
                    Ids(writer, cohort.StepPatients[s]);
                }
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

    /// <summary>The cohort <paramref name="name"/> over every shard's answer; <paramref name="shardName"/> names a shard whose answer does not read.</summary>
    public static Cohort Merge(string name, int capacity, IReadOnlyList<byte[]> answers, Func<int, string> shardName)
    {
        string[]? rules = null;
        PatientSet[] steps = [];
        var members = new PatientSet(capacity);
        int[] index = new int[capacity], exit = new int[capacity];
        for (var s = 0; s < answers.Count; s++)
        {
            try
            {
                using var reader = new BinaryReader(new MemoryStream(answers[s], writable: false));
                var count = reader.ReadInt32();
                if (count == 0) continue;
                var shardRules = new string[count];
                var shardSteps = new List<int[]>();
                for (var i = 0; i < count; i++)
                {
                    shardRules[i] = reader.ReadString();
                    shardSteps.Add(Ids(reader));
                }
                if (rules is null)
                {
                    rules = shardRules;
                    steps = [.. rules.Select(_ => new PatientSet(capacity))];
                }
                else if (!rules.SequenceEqual(shardRules)) throw new InvalidDataException("other rules");
                for (var i = 0; i < count; i++)
                    foreach (var patient in shardSteps[i]) steps[i].Add(patient);
                foreach (var patient in Ids(reader))
                {
                    members.Add(patient);
                    index[patient] = Month(reader.ReadInt32());
                    exit[patient] = Month(reader.ReadInt32());
                }
                if (reader.BaseStream.Position != reader.BaseStream.Length) throw new InvalidDataException("bytes left over");
            }
            catch (Exception e) when (e is IOException or ArgumentException)
            {
                // Not the reader's words: they could quote a count of the shard's.
                throw new ClaimsException($"shard {shardName(s)} sent a cohort this coordinator cannot read (another build's, or damaged)", e);
            }
        }
        if (rules is null) throw new ClaimsException("no shard holds any of the asked months");
        var attrition = rules.Select((rule, i) => new AttritionStep(rule, steps[i].Count, i == 0 ? 0 : steps[i - 1].Count - steps[i].Count)).ToArray();
        return new Cohort(name, members, index, exit, attrition, steps);
    }

    private static void Ids(BinaryWriter writer, PatientSet patients)
    {
        writer.Write(checked((int)patients.Count));
        foreach (var patient in patients) writer.Write(patient);
    }

    private static int[] Ids(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        if (count < 0 || count > (reader.BaseStream.Length - reader.BaseStream.Position) / sizeof(int)) throw new InvalidDataException("a patient count past the answer's end");
        var ids = new int[count];
        for (var i = 0; i < count; i++) ids[i] = reader.ReadInt32();
        return ids;
    }

    private static int Month(int key) => key == 0 || MonthKey.IsValid(key) ? key : throw new InvalidDataException("not a month");
}
