using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Claims.Engine.Cohorts;

namespace Claims.Engine.Privacy;

/// <summary>
/// The cohorts each project has released, so that a release differing from an earlier one by a few patients (a
/// differencing attack: the counts subtract to those patients) is refused. Append-only: each release is a file
/// `DIR/project/NNNNNN.release` (a JSON header line, then the patient bitset, GZip-compressed), created by a rename
/// that fails rather than overwrite. A lock file serialises check-and-record across processes, and a monitor
/// across threads, so one ledger may serve a whole service.
/// </summary>
public sealed partial class ReleaseLedger(string directory)
{
    private const string Extension = ".release";
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<Entry>> _projects = [];

    public string Directory { get; } = Path.GetFullPath(directory);

    public IReadOnlyList<Release> Releases(string project)
    {
        lock (_lock) return Load(project).Select(e => e.Release).ToList();
    }

    /// <summary>Refuses <paramref name="patients"/> if it differs from one of the project's releases by 1 to threshold − 1 patients.</summary>
    public void Check(string project, PatientSet patients, string what, DisclosurePolicy policy)
    {
        lock (_lock)
        {
            using var _ = ProjectLock(project);
            Refuse(Load(project), patients, what, policy);
        }
    }

    /// <summary><see cref="Check"/> then a record of the release under one lock, so two concurrent releases cannot both pass against the ledger without each other.</summary>
    public Release CheckAndRecord(string project, PatientSet patients, string kind, string label, string description, DisclosurePolicy policy) =>
        CheckAndRecord(project, [patients], kind, label, description, policy)[0];

    /// <summary>
    /// An aggregate's release: besides its patients, the rows it was computed from are compared with every earlier
    /// release over the same patients and table, since the same patients with a few of their rows left out give
    /// those rows away by subtraction (a sum with and without one large claim).
    /// </summary>
    public Release CheckAndRecord(string project, PatientSet patients, SelectedRows rows, string kind, string label, string description, DisclosurePolicy policy)
    {
        lock (_lock)
        {
            using var _ = ProjectLock(project);
            var entries = Load(project);
            Refuse(entries, patients, $"{kind} '{label}'", policy, rows);
            return Append(project, entries, patients, rows.Rows, kind, label, description);
        }
    }

    /// <summary>
    /// Several counts released together (an attrition table's steps): each is checked against the earlier releases
    /// before any is recorded, so a refusal records nothing. Sets equal to one recorded just before are not recorded twice.
    /// </summary>
    public IReadOnlyList<Release> CheckAndRecord(string project, IReadOnlyList<PatientSet> sets, string kind, string label, string description, DisclosurePolicy policy)
    {
        lock (_lock)
        {
            using var _ = ProjectLock(project);
            var entries = Load(project);
            foreach (var patients in sets) Refuse(entries, patients, $"{kind} '{label}'", policy);
            var releases = new List<Release>();
            foreach (var patients in sets)
            {
                releases.Add(releases.Count > 0 && sets[releases.Count - 1].SymmetricDifference(patients) == 0
                    ? releases[^1]
                    : Append(project, entries, patients, null, kind, label, description));
            }
            return releases;
        }
    }

    private static void Refuse(List<Entry> entries, PatientSet patients, string what, DisclosurePolicy policy, SelectedRows? rows = null)
    {
        var count = patients.Count;
        foreach (var entry in entries)
        {
            // The difference is at least the difference in size: most releases are ruled out without reading their bits.
            if (Math.Abs(entry.Release.Count - count) >= policy.Threshold) continue;
            var difference = entry.Patients.Value.SymmetricDifference(patients);
            var release = entry.Release;
            if (difference == 0 && rows is not null && entry.Rows.Value is { } earlier && earlier.Table == rows.Rows.Table && earlier.Rows == rows.Rows.Rows)
            {
                var changed = PatientsOfChangedRows(earlier, rows, policy.Threshold);
                if (policy.IsDisclosingDifference(changed))
                {
                    throw new DisclosureException(
                        $"{what} covers the same patients as release {release.Number} ({release.Kind} '{release.Label}', {release.Time:yyyy-MM-dd}) but differs in the rows of " +
                        $"{changed} patient{(changed == 1 ? "" : "s")}: fewer than {policy.Threshold} would disclose them");
                }
            }
            if (!policy.IsDisclosingDifference(difference)) continue;
            throw new DisclosureException(
                $"{what} differs from release {release.Number} ({release.Kind} '{release.Label}', {release.Time:yyyy-MM-dd}) by {difference} patient{(difference == 1 ? "" : "s")}: " +
                $"fewer than {policy.Threshold} would disclose them");
        }
    }

    /// <summary>The patients owning a row selected by one release and not the other, counted up to <paramref name="enough"/>.</summary>
    private static long PatientsOfChangedRows(RowSelection earlier, SelectedRows now, int enough)
    {
        var patients = new HashSet<int>();
        var a = earlier.Words;
        var b = now.Rows.Words;
        for (var w = 0; w < a.Length && patients.Count < enough; w++)
        {
            for (var bits = a[w] ^ b[w]; bits != 0 && patients.Count < enough; bits &= bits - 1)
                patients.Add(now.PatientOf(((long)w << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits)));
        }
        return patients.Count;
    }

    private Release Append(string project, List<Entry> entries, PatientSet patients, RowSelection? rows, string kind, string label, string description)
    {
        var number = entries.Count == 0 ? 1 : entries[^1].Release.Number + 1;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(description)));
        var release = new Release(number, kind, label, hash, DateTimeOffset.UtcNow, patients.Count, patients.Capacity, rows?.Table, rows?.Rows);
        var folder = ProjectFolder(project);
        System.IO.Directory.CreateDirectory(folder);
        // The rows go first: a release file is only ever visible with its rows beside it.
        if (rows is not null)
        {
            var rowsTemporary = Path.Combine(folder, $".{Guid.NewGuid():N}.tmp");
            using (var file = new FileStream(rowsTemporary, FileMode.CreateNew, FileAccess.Write))
            {
                WriteWords(file, rows.Words);
                file.Flush(flushToDisk: true);
            }
            File.Move(rowsTemporary, Path.Combine(folder, RowsFileName(number)), overwrite: true);
        }
        var temporary = Path.Combine(folder, $".{Guid.NewGuid():N}.tmp");
        using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
        {
            file.Write(JsonSerializer.SerializeToUtf8Bytes(release, JsonOptions));
            file.WriteByte((byte)'\n');
            WriteWords(file, patients.Words);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, Path.Combine(folder, FileName(number)), overwrite: false);
        // The release must outlast a power cut once its result is shown: the new name is made durable too.
        Storage.DirectorySync.Flush(folder);
        // A copy: the caller may go on changing its set.
        entries.Add(new Entry(release, new Lazy<PatientSet>(PatientSet.FromWords(patients.Capacity, patients.Words.ToArray())), new Lazy<RowSelection?>(rows)));
        return release;
    }

    /// <summary>The project's releases, adding any that another process has written since they were last read.</summary>
    private List<Entry> Load(string project)
    {
        if (!_projects.TryGetValue(project, out var entries)) _projects[project] = entries = [];
        var folder = ProjectFolder(project);
        if (!System.IO.Directory.Exists(folder)) return entries;
        var known = entries.Count == 0 ? 0 : entries[^1].Release.Number;
        var files = System.IO.Directory.EnumerateFiles(folder, "*" + Extension)
            .Select(path => (Path: path, Number: int.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0))
            .Where(f => f.Number > known)
            .OrderBy(f => f.Number);
        foreach (var (path, _) in files) entries.Add(Read(path));
        return entries;
    }

    private static Entry Read(string path)
    {
        using var file = File.OpenRead(path);
        var header = new List<byte>();
        for (var b = file.ReadByte(); b != '\n'; b = file.ReadByte())
        {
            if (b < 0) throw new DisclosureException($"release file '{path}' is damaged: it has no header line");
            header.Add((byte)b);
        }
        var release = JsonSerializer.Deserialize<Release>(header.ToArray(), JsonOptions) ?? throw new DisclosureException($"release file '{path}' is damaged: its header is empty");
        var offset = header.Count + 1;
        var rowsPath = Path.Combine(Path.GetDirectoryName(path)!, RowsFileName(release.Number));
        return new Entry(release,
            new Lazy<PatientSet>(() => PatientSet.FromWords(release.Capacity, ReadWords(path, offset, Kernels.Bitmap.WordCount(release.Capacity))), LazyThreadSafetyMode.ExecutionAndPublication),
            new Lazy<RowSelection?>(() => release is { Table: { } table, TableRows: { } count }
                ? new RowSelection(table, count, ReadWords(rowsPath, 0, (int)((count + 63) >> 6)))
                : null, LazyThreadSafetyMode.ExecutionAndPublication));
    }

    private static void WriteWords(Stream stream, ReadOnlySpan<ulong> words)
    {
        using var gzip = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true);
        var bytes = new byte[words.Length * sizeof(ulong)];
        for (var i = 0; i < words.Length; i++) BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * sizeof(ulong)), words[i]);
        gzip.Write(bytes);
    }

    private static ulong[] ReadWords(string path, int offset, int count)
    {
        using var file = File.OpenRead(path);
        file.Seek(offset, SeekOrigin.Begin);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        var bytes = new byte[count * sizeof(ulong)];
        gzip.ReadExactly(bytes);
        var words = new ulong[count];
        for (var i = 0; i < words.Length; i++) words[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(i * sizeof(ulong)));
        return words;
    }

    /// <summary>Holds the project's lock file open (no sharing) for one check-and-record, waiting while another process holds it.</summary>
    private FileStream ProjectLock(string project)
    {
        var folder = ProjectFolder(project);
        System.IO.Directory.CreateDirectory(folder);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                return new FileStream(Path.Combine(folder, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }
        }
    }

    private string ProjectFolder(string project) => ProjectName().IsMatch(project)
        ? Path.Combine(Directory, project)
        : throw new DisclosureException($"project '{project}' is not a valid project name (letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64)");

    private static string FileName(int number) => number.ToString("D6", CultureInfo.InvariantCulture) + Extension;

    private static string RowsFileName(int number) => number.ToString("D6", CultureInfo.InvariantCulture) + ".rows";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex ProjectName();

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private sealed record Entry(Release Release, Lazy<PatientSet> Patients, Lazy<RowSelection?> Rows);
}
