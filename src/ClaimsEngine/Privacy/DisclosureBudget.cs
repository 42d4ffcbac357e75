using System.Buffers.Binary;

namespace Claims.Engine.Privacy;

/// <summary>
/// A project's disclosure budget: the averaging attack (Asghar and Kaafar 2020) recovers a hidden count by asking
/// for many differently formed cells whose noises are independent, so every distinct figure a project is shown
/// costs one unit. A figure is known by its key (the records behind it, its kind and true value), so asking for the
/// same figure again, by whatever query, costs nothing: it returns the same answer and teaches nothing new. The
/// spent keys are appended to one file per project (8 bytes each) under the ledger's project lock; the file is
/// re-read from where this process last stopped, so processes sharing the ledger count together.
/// </summary>
internal sealed class DisclosureBudget(string path)
{
    public const string FileName = "budget.spent";

    private readonly HashSet<ulong> _spent = [];
    private long _read;

    public long Spent
    {
        get
        {
            Refresh();
            return _spent.Count;
        }
    }

    /// <summary>
    /// Spends the figures not spent before and one unit per suppressed cell, or refuses them all when they would pass
    /// <paramref name="budget"/>; returns the total spent. The refusal does not say how many figures the release
    /// held: that would count its released cells.
    /// </summary>
    public long Spend(IReadOnlyCollection<ulong> figures, int suppressed, long budget, string project)
    {
        Refresh();
        // A suppressed cell's unit is a random key: never a repeat, and saying nothing of what it hides.
        var fresh = figures.Where(f => !_spent.Contains(f)).Distinct()
            .Concat(Enumerable.Range(0, suppressed).Select(_ => BitConverter.ToUInt64(System.Security.Cryptography.RandomNumberGenerator.GetBytes(sizeof(ulong)))))
            .ToArray();
        if (fresh.Length == 0) return _spent.Count;
        if (_spent.Count + fresh.Length > budget)
        {
            throw new DisclosureBudgetException(
                $"project '{project}' has spent its disclosure budget ({Math.Min(_spent.Count, budget)} of {budget} figures): this release would pass it; an admin can grant more");
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var bytes = new byte[fresh.Length * sizeof(ulong)];
        for (var i = 0; i < fresh.Length; i++) BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * sizeof(ulong)), fresh[i]);
        using (var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write))
        {
            // Drops a torn tail left by a crash mid-append, so every key stays on an 8-byte boundary.
            file.SetLength(_read);
            file.Seek(_read, SeekOrigin.Begin);
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }
        _read += bytes.Length;
        _spent.UnionWith(fresh);
        return _spent.Count;
    }

    private void Refresh()
    {
        if (!File.Exists(path)) return;
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        // A torn tail (a crash mid-append) is ignored: those figures were never shown, since the release follows the write.
        var whole = file.Length - file.Length % sizeof(ulong);
        if (whole <= _read) return;
        file.Seek(_read, SeekOrigin.Begin);
        var bytes = new byte[whole - _read];
        file.ReadExactly(bytes);
        for (var i = 0; i < bytes.Length; i += sizeof(ulong)) _spent.Add(BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(i)));
        _read = whole;
    }
}
