using Claims.Engine.Cohorts;
using Claims.Engine.Kernels;
using Claims.Engine.Schema;
using Claims.Engine.Storage;
using Claims.Modelling.Spec;

namespace Claims.Modelling.Features;

/// <summary>
/// A population's features, straight from the engine's block scans (every core, no rows materialised): for each
/// member, from the rows of their own patient in the windows before their index month,
/// <list type="bullet">
/// <item>demographics from their latest receipt at or before the index: age, female, prefecture and insurer kind
/// (one flag per value, so a linear baseline need not read codes as magnitudes);</item>
/// <item>utilisation per window: claims, inpatient claims (with an admission date) and points;</item>
/// <item>checkup items from their latest checkup before the index, each with a flag for no value;</item>
/// <item>diagnosis groups (ICD-10 letter or three-character category), drug classes (薬効分類) and, when asked,
/// procedure groups (診療識別) per window, as flags.</item>
/// </list>
/// Rows in or after the index month never feed a feature: they could hold the outcome.
/// </summary>
internal static class FeatureExtractor
{
    public static string Name(string feature, MonthWindow window) => $"{feature}[{window}]";

    /// <summary>The demographics kept as one 0/1 indicator a value (<c>prefecture=13</c>), in this order.</summary>
    public static readonly string[] Demographics = ["prefecture", "insurer_kind"];

    /// <summary>How a flag's name starts, by family: a diagnosis group, a drug class, a procedure group.</summary>
    public const string DiagnosisFamily = "icd10:", DrugFamily = "drug_class:", ProcedureFamily = "procedure:";

    /// <summary>
    /// The population's features; with <paramref name="names"/> (a trained model's), exactly those in that order,
    /// nothing dropped for rarity and 0 for a flag or category no member has, so that new data meets the model as
    /// the training data did. Which indicators are common enough to keep is decided by <paramref name="disclosure"/>
    /// (on restricted data, on counts as released); without one, on exact counts, and those dropped are listed.
    /// </summary>
    public static FeatureMatrix Extract(Dataset dataset, Population population, FeatureSpec spec, CancellationToken cancellationToken,
        IReadOnlyList<string>? names = null, Disclosure.ModelDisclosure? disclosure = null) =>
        Gather(dataset, population, spec, cancellationToken).Assemble(population, names, disclosure, cancellationToken);

    /// <summary>
    /// The population's values and every indicator any member has, before any is dropped for rarity: on a shard, whose
    /// members are a part of the population, nothing can be decided on counts (<see cref="ModelShards"/>).
    /// </summary>
    public static GatheredFeatures Gather(Dataset dataset, Population population, FeatureSpec spec, CancellationToken cancellationToken)
    {
        var windows = spec.Windows;
        var members = population.Count;
        var columns = new List<(string Name, Func<int, float> Value)>();
        var indicators = new List<Indicator>();
        if (spec.Demographics || spec.Utilisation) Receipts(dataset, population, spec, columns, indicators, cancellationToken);
        if (spec.Checkups.Count > 0) Checkups(dataset, population, spec.Checkups, columns, cancellationToken);
        var flags = new FlagSet(members, windows);
        if (spec.Diagnoses is { } level)
            Flag(dataset, "diagnoses", "icd10", population, windows, flags, (column, code) => Group(column.Dictionary[code], level), cancellationToken);
        if (spec.Drugs)
            Flag(dataset, "drugs", "drug_class", population, windows, flags, (_, code) => $"{DrugFamily}{code}", cancellationToken);
        if (spec.Procedures)
            Flag(dataset, "procedures", "shinryo_shikibetsu", population, windows, flags, (_, code) => $"{ProcedureFamily}{code}", cancellationToken);
        indicators.AddRange(flags.Seen(spec.MinMembers));
        return new GatheredFeatures(columns, indicators);
    }

    /// <summary>
    /// The matrix of gathered features; with <paramref name="names"/> (a trained model's), exactly those in that order.
    /// Which indicators are kept is decided by <paramref name="disclosure"/> (restricted data: on counts as released),
    /// without one on exact counts, and those dropped are listed.
    /// </summary>
    internal static FeatureMatrix Assemble(this GatheredFeatures gathered, Population population, IReadOnlyList<string>? names, Disclosure.ModelDisclosure? disclosure,
        CancellationToken cancellationToken)
    {
        var members = population.Count;
        var columns = new List<(string Name, Func<int, float> Value)>(gathered.Columns);
        var indicators = gathered.Indicators;
        var kept = names is not null ? indicators.Select(_ => true).ToArray()
            : disclosure is not null ? disclosure.Keep(indicators, population)
            : indicators.Select(i => i.Members >= i.MinMembers).ToArray();
        var dropped = new List<string>();
        for (var i = 0; i < indicators.Count; i++)
        {
            var indicator = indicators[i];
            if (kept[i]) columns.Add((indicator.Name, m => indicator[m] ? 1f : 0f));
            // On restricted data a dropped name would say that some member has the code.
            else if (disclosure is null) dropped.Add(indicator.Name);
        }
        if (names is not null)
        {
            var found = columns.ToDictionary(c => c.Name, c => c.Value);
            columns = [.. names.Select(name => (name, found.GetValueOrDefault(name, _ => 0f)))];
        }
        var values = new float[members * columns.Count];
        Parallel.For(0, members, new ParallelOptions { CancellationToken = cancellationToken }, m =>
        {
            for (var c = 0; c < columns.Count; c++) values[m * columns.Count + c] = columns[c].Value(m);
        });
        return new FeatureMatrix(columns.Select(c => c.Name).ToArray(), values, dropped);
    }

    private static string? Group(string icd10, DiagnosisLevel level) => level switch
    {
        _ when icd10.Length == 0 => null,
        DiagnosisLevel.Letter => $"{DiagnosisFamily}{icd10[..1]}",
        _ => $"{DiagnosisFamily}{icd10[..Math.Min(3, icd10.Length)]}",
    };

    /// <summary>
    /// One pass over the receipts, a month at a time in order, so a member's demographics end as those of their last
    /// month at or before the index; utilisation adds up across the blocks of a month, which run at once.
    /// </summary>
    private static void Receipts(Dataset dataset, Population population, FeatureSpec spec, List<(string, Func<int, float>)> columns, List<Indicator> indicators,
        CancellationToken cancellationToken)
    {
        var members = population.Count;
        var windows = spec.Windows;
        var (age, sex, prefecture, insurer) = (new int[members], new int[members], new int[members], new int[members]);
        var claims = windows.Select(_ => new int[members]).ToArray();
        var inpatient = windows.Select(_ => new int[members]).ToArray();
        var points = windows.Select(_ => new long[members]).ToArray();
        var receipts = dataset.Table("receipts");
        var earliest = spec.Windows.Min(w => w.From);
        // A member's demographics are their latest month's receipt with the greatest id: a month's blocks run at once,
        // and a last writer would make the facility's prefecture depend on the threads (and differ shard to one node).
        var (takenMonth, takenReceipt) = (Enumerable.Repeat(int.MinValue, members).ToArray(), new long[members]);
        var turns = Enumerable.Range(0, 64).Select(_ => new Lock()).ToArray();
        foreach (var partition in receipts.Partitions)
        {
            var month = MonthKey.ToAbsolute(partition.Key);
            EventScan.Blocks(dataset, receipts.Schema, null, (p, start, count, _) =>
            {
                var ids = p.Column("patient_id");
                var (prefectures, insurers, admissions) = (p.Column("prefecture"), p.Column("insurer_kind"), p.Column("admission_date"));
                // Spans taken once a block: the rows below are the extraction's hot loop.
                var patients = ids.Values<int>();
                var ages = p.Column("age").Values<short>();
                var sexes = p.Column("sex").Values<sbyte>();
                var prefectureValues = prefectures.Values<sbyte>();
                var insurerValues = insurers.Values<sbyte>();
                var totals = p.Column("total_points").Values<int>();
                var receiptIds = p.Column("receipt_id").Values<long>();
                for (var row = start; row < start + count; row++)
                {
                    if (ids.IsNull(row) || population.MemberOf[patients[row]] is var m && m < 0) continue;
                    var offset = month - population.Index[m];
                    if (offset > 0 || offset < earliest) continue;
                    lock (turns[m & 63])
                    {
                        if (month > takenMonth[m] || receiptIds[row] > takenReceipt[m])
                        {
                            (takenMonth[m], takenReceipt[m]) = (month, receiptIds[row]);
                            age[m] = ages[row];
                            sex[m] = sexes[row];
                            prefecture[m] = prefectures.IsNull(row) ? 0 : prefectureValues[row];
                            insurer[m] = insurers.IsNull(row) ? 0 : insurerValues[row];
                        }
                    }
                    for (var w = 0; w < windows.Count; w++)
                    {
                        if (!windows[w].Contains(offset)) continue;
                        Interlocked.Increment(ref claims[w][m]);
                        if (!admissions.IsNull(row)) Interlocked.Increment(ref inpatient[w][m]);
                        Interlocked.Add(ref points[w][m], totals[row]);
                    }
                }
            }, key => key == partition.Key, cancellationToken);
        }
        if (spec.Demographics)
        {
            columns.Add(("age", m => age[m]));
            columns.Add(("female", m => sex[m] == 2 ? 1f : 0f));
            // Every value any member has, however few: the threshold alone decides (restricted data), not spec.MinMembers.
            foreach (var (name, codes) in Demographics.Zip([prefecture, insurer]))
            {
                foreach (var value in codes.Where(v => v > 0).Distinct().Order())
                {
                    var bits = new ulong[(members + 63) / 64];
                    for (var m = 0; m < members; m++) if (codes[m] == value) bits[m >> 6] |= 1UL << m;
                    indicators.Add(new Indicator($"{name}={value}", bits, MinMembers: 1));
                }
            }
        }
        if (!spec.Utilisation) return;
        for (var w = 0; w < windows.Count; w++)
        {
            var (c, i, p) = (claims[w], inpatient[w], points[w]);
            columns.Add((Name("claims", windows[w]), m => c[m]));
            columns.Add((Name("inpatient_claims", windows[w]), m => i[m]));
            columns.Add((Name("points", windows[w]), m => p[m]));
        }
    }

    /// <summary>
    /// Each member's latest checkup before their index month, however far back (the latest exam date, then the
    /// greatest checkup id): per item its value (yes as 1, no as 0) and "item missing", 1 where there is no such
    /// checkup or it has no value for the item, when the value is 0, so no model reads "not measured" as a measurement of 0.
    /// </summary>
    private static void Checkups(Dataset dataset, Population population, IReadOnlyList<string> items, List<(string, Func<int, float>)> columns, CancellationToken cancellationToken)
    {
        var members = population.Count;
        var latest = new (int Date, long Id)[members];
        Array.Fill(latest, (int.MinValue, long.MinValue));
        var values = items.Select(_ => new float[members]).ToArray();
        var missing = items.Select(_ => Enumerable.Repeat(true, members).ToArray()).ToArray();
        // Checkups are few (about one a person a year), so blocks of one month that meet the same member take turns.
        var turn = new Lock();
        EventScan.Blocks(dataset, dataset.Table("checkups").Schema, null, (partition, start, count, _) =>
        {
            var month = MonthKey.ToAbsolute(partition.Key);
            var ids = partition.Column("patient_id");
            var patients = ids.Values<int>();
            var dates = partition.Column("exam_date").Values<int>();
            var checkups = partition.Column("checkup_id").Values<long>();
            var read = items.Select(partition.Column).ToArray();
            for (var row = start; row < start + count; row++)
            {
                if (ids.IsNull(row) || population.MemberOf[patients[row]] is var m && m < 0 || month - population.Index[m] > -1) continue;
                var when = (dates[row], checkups[row]);
                lock (turn)
                {
                    if (when.CompareTo(latest[m]) <= 0) continue;
                    latest[m] = when;
                    for (var i = 0; i < read.Length; i++) (values[i][m], missing[i][m]) = read[i].IsNull(row) ? (0f, true) : (Value(read[i], row), false);
                }
            }
        }, cancellationToken: cancellationToken);
        for (var i = 0; i < items.Count; i++)
        {
            var (value, none) = (values[i], missing[i]);
            columns.Add(($"checkup:{items[i]}", m => value[m]));
            columns.Add(($"checkup:{items[i]} missing", m => none[m] ? 1f : 0f));
        }
    }

    private static float Value(MappedColumn column, int row) => column.Schema.Type switch
    {
        LogicalType.Float32 => column.Values<float>()[row],
        LogicalType.Int16 => column.Values<short>()[row],
        LogicalType.Int8 => column.Values<sbyte>()[row],
        _ => column.Values<bool>()[row] ? 1f : 0f,
    };

    /// <summary>
    /// Flags from one coded column: <paramref name="group"/> names the flag of a code (a dictionary id, or a number
    /// for a numeric code), null for none.
    /// </summary>
    private static void Flag(Dataset dataset, string tableName, string columnName, Population population, IReadOnlyList<MonthWindow> windows, FlagSet flags,
        Func<MappedColumn, int, string?> group, CancellationToken cancellationToken)
    {
        var table = dataset.Table(tableName);
        var earliest = windows.Min(w => w.From);
        var type = table.Schema.Column(columnName).Type;
        EventScan.Blocks(dataset, table.Schema, null, (partition, start, count, _) =>
        {
            var month = MonthKey.ToAbsolute(partition.Key);
            var ids = partition.Column("patient_id");
            var patients = ids.Values<int>();
            var column = partition.Column(columnName);
            var bytes = type == LogicalType.Int8 ? column.Values<sbyte>() : default;
            var shorts = type == LogicalType.Int16 ? column.Values<short>() : default;
            var ints = type is LogicalType.Int8 or LogicalType.Int16 ? default : column.Values<int>();
            // Each code is named and its flag looked up once a block: the set's lock is shared by every thread, and
            // a name made for every row would be most of the work.
            var seen = new Dictionary<int, ulong[][]?>();
            for (var row = start; row < start + count; row++)
            {
                if (ids.IsNull(row) || column.IsNull(row) || population.MemberOf[patients[row]] is var m && m < 0) continue;
                var offset = month - population.Index[m];
                if (offset > -1 || offset < earliest) continue;
                var code = type switch { LogicalType.Int8 => bytes[row], LogicalType.Int16 => shorts[row], _ => ints[row] };
                if (!seen.TryGetValue(code, out var bits)) seen[code] = bits = group(column, code) is { } name ? flags.Of(name) : null;
                if (bits is null) continue;
                for (var w = 0; w < windows.Count; w++)
                    if (windows[w].Contains(offset)) FlagSet.Set(bits[w], m);
            }
        }, cancellationToken: cancellationToken);
    }
}

/// <summary>A population's feature values (in the matrix's order) and its indicators (each with its members), before the choice of which indicators to keep.</summary>
internal sealed record GatheredFeatures(IReadOnlyList<(string Name, Func<int, float> Value)> Columns, IReadOnlyList<Indicator> Indicators);
