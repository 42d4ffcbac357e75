using Claims.Engine.Privacy;

namespace Claims.Testing;

/// <summary>Release ledgers for tests, each fresh, whose cell key secret is fixed by a number.</summary>
public static class FixedLedgers
{
    /// <summary>
    /// A fresh ledger in a new folder under <paramref name="parent"/> whose cell key secret is fixed by
    /// <paramref name="secret"/>, so that the noise, and every statistic a test draws from it, is the same on every
    /// run, and two ledgers of one secret release a question alike.
    /// </summary>
    public static ReleaseLedger New(string parent, int secret)
    {
        var directory = Path.Combine(parent, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var bytes = new byte[32];
        new Random(secret).NextBytes(bytes);
        File.WriteAllBytes(Path.Combine(directory, "cell-key.secret"), bytes);
        return new ReleaseLedger(directory);
    }
}
