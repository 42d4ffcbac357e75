namespace Claims.Engine.Privacy;

/// <summary>
/// A project's disclosure budget: the averaging attack (Asghar and Kaafar 2020) recovers a hidden count by asking
/// for many differently formed cells whose noises are independent, so every cell a release shows (a figure or an
/// x) costs one unit, every time. The charge depends only on the shape of the result: one that skipped figures
/// shown before would tell, by the spend, whether two releases hold the same patients and values. The spent total
/// is one file per project (a decimal number) rewritten under the ledger's project lock, so processes sharing the
/// ledger count together.
/// </summary>
internal sealed class DisclosureBudget(string path)
{
    public const string FileName = "budget.spent";

    public long Spent => File.Exists(path) && long.TryParse(File.ReadAllText(path).Trim(), out var spent) ? spent : 0;

    /// <summary>
    /// Refuses a release before it runs when the project has spent its budget. Decided on the spend alone, which is
    /// the sum of shapes the project was shown: refused after running when its own cells would pass the budget, a
    /// release said whether it would have shown something (its query with nothing to show ran free), so one
    /// person's cell answered again and again, unrecorded (attack review 16). A release that starts with budget
    /// left is shown whole and may take the spend past it, by one release at most.
    /// </summary>
    public void RequireLeft(long budget, string project)
    {
        var spent = Spent;
        if (spent >= budget)
            throw new DisclosureBudgetException($"project '{project}' has spent its disclosure budget ({spent} of {budget} figures); an admin can grant more");
    }

    /// <summary>Spends <paramref name="cells"/> units; returns the total spent.</summary>
    public long Spend(int cells)
    {
        var spent = Spent;
        if (cells == 0) return spent;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            file.Write(System.Text.Encoding.ASCII.GetBytes((spent + cells).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
        return spent + cells;
    }
}
