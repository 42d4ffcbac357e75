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
/// What each project has released. Every release's patients are kept, so that an extract (which hands over its
/// cohort row by row, where no noise can help) differing from an earlier release by a few patients is refused: the
/// rows of the patients between them would be given away. Every cell a project is shown is spent from its disclosure
/// budget (<see cref="Spent"/>), and each cell shown with a figure is kept as a sketch of its records
/// (`DIR/project/cells.shown`, <see cref="ShownCells"/>) so that no later cell near it is shown. Append-only: each release is a file `DIR/project/NNNNNN.release` (a
/// JSON header line, then the patient bitset, GZip-compressed), created by a rename that fails rather than
/// overwrite; the spent figures are `DIR/project/budget.spent`. A lock file serialises check-and-record across
/// processes, and a monitor across threads, so one ledger may serve a whole service. The custodian's secret that
/// keys the cell key method's noise (`DIR/cell-key.secret`, created on first use, readable by its owner only) lives
/// here too: whoever may read the ledger may already see every release.
/// </summary>
public sealed partial class ReleaseLedger(string directory) : IReleaseLedger
{
    private const string Extension = ".release";
    private const string SecretFileName = "cell-key.secret";
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<Entry>> _projects = [];
    private readonly Dictionary<string, DisclosureBudget> _budgets = [];
    private readonly Dictionary<string, ShownCells> _shown = [];
    private byte[]? _secret;

    public string Directory { get; } = Path.GetFullPath(directory);

    public IReadOnlyList<Release> Releases(string project)
    {
        lock (_lock) return Load(project).Select(e => e.Release).ToList();
    }

    public long Spent(string project)
    {
        lock (_lock)
        {
            using var _ = ProjectLock(project);
            return Budget(project).Spent;
        }
    }

    public void Check(string project, PatientSet patients, string what, DisclosurePolicy policy)
    {
        lock (_lock)
        {
            using var _ = ProjectLock(project);
            Refuse(Load(project), patients, what, policy);
        }
    }

    public Release CheckAndRecord(string project, PatientSet patients, string kind, string label, string description, DisclosurePolicy policy)
    {
        lock (_lock)
        {
            using var _ = ProjectLock(project);
            var entries = Load(project);
            Refuse(entries, patients, $"{kind} '{label}'", policy);
            return Append(project, entries, patients, kind, label, description);
        }
    }

    /// <remarks>
    /// Every cell shown costs one unit every time, figures and suppressed alike: a charge that depended on which
    /// figures were shown before would say whether two releases hold the same patients.
    /// </remarks>
    (T Result, AggregateRelease Spend) IReleaseLedger.Release<T>(DisclosureRequest request, RecordKeys keys, string kind, string label,
        Func<CellHistory, (T Result, PatientSet? Patients, int Cells)> release)
    {
        lock (_lock)
        {
            var project = request.Project;
            using var _ = ProjectLock(project);
            var budget = Budget(project);
            budget.RequireLeft(request.Budget, project);
            var shown = Shown(project).Refresh();
            var history = new CellHistory(shown, request.Policy);
            var (result, patients, cells) = release(history);
            var spent = budget.Spend(cells);
            var recorded = patients is null ? null : Append(project, Load(project), patients, kind, label, request.Description);
            shown.Append(history.Added, history.AddedFigures);
            return (result, new AggregateRelease(recorded, spent, request.Budget));
        }
    }

    RecordKeys IReleaseLedger.KeysFor(Storage.Dataset dataset, string project)
    {
        lock (_lock) return new RecordKeys(_secret ??= ReadOrCreateSecret(), dataset.Manifest, project);
    }

    private byte[] ReadOrCreateSecret()
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, SecretFileName);
        try
        {
            var secret = RandomNumberGenerator.GetBytes(32);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var file = new FileStream(path, options))
            {
                file.Write(secret);
                file.Flush(flushToDisk: true);
            }
            Storage.DirectorySync.Flush(Directory);
            return secret;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process made it first: both must use the one secret.
            var secret = File.ReadAllBytes(path);
            return secret.Length == 32 ? secret : throw new DisclosureException($"'{path}' is damaged: a cell key secret is 32 bytes");
        }
    }

    private ShownCells Shown(string project)
    {
        if (!_shown.TryGetValue(project, out var shown)) _shown[project] = shown = new ShownCells(Path.Combine(ProjectFolder(project), ShownCells.FileName));
        return shown;
    }

    private DisclosureBudget Budget(string project)
    {
        if (!_budgets.TryGetValue(project, out var budget)) _budgets[project] = budget = new DisclosureBudget(Path.Combine(ProjectFolder(project), DisclosureBudget.FileName));
        return budget;
    }

    private static void Refuse(List<Entry> entries, PatientSet patients, string what, DisclosurePolicy policy)
    {
        var count = patients.Count;
        foreach (var entry in entries)
        {
            // The difference is at least the difference in size: most releases are ruled out without reading their bits.
            if (Math.Abs(entry.Release.Count - count) >= policy.Threshold) continue;
            if (!policy.IsDisclosingDifference(entry.Patients.Value.SymmetricDifference(patients))) continue;
            // The size of the difference stays in the server: saying it would be the very disclosure refused.
            var release = entry.Release;
            throw new DisclosureException(
                $"{what} differs from release {release.Number} ({release.Kind} '{release.Label}', {release.Time:yyyy-MM-dd}) by fewer than {policy.Threshold} patients, " +
                "which would disclose them; change the cohort so it differs by none or by more");
        }
    }

    private Release Append(string project, List<Entry> entries, PatientSet patients, string kind, string label, string description)
    {
        var number = entries.Count == 0 ? 1 : entries[^1].Release.Number + 1;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(description)));
        var release = new Release(number, kind, label, hash, DateTimeOffset.UtcNow, patients.Count, patients.Capacity);
        var folder = ProjectFolder(project);
        System.IO.Directory.CreateDirectory(folder);
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
        entries.Add(new Entry(release, new Lazy<PatientSet>(PatientSet.FromWords(patients.Capacity, patients.Words.ToArray()))));
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
        return new Entry(release,
            new Lazy<PatientSet>(() => PatientSet.FromWords(release.Capacity, ReadWords(path, offset, Kernels.Bitmap.WordCount(release.Capacity))), LazyThreadSafetyMode.ExecutionAndPublication));
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

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex ProjectName();

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private sealed record Entry(Release Release, Lazy<PatientSet> Patients);
}
