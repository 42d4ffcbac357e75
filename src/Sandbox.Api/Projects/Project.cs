using Claims.Engine.Privacy;
using Claims.Engine.Storage;

namespace Claims.Sandbox.Projects;

/// <summary>
/// A research project as stored: who owns it, what it may use (datasets, tables, the service months of its
/// period) and whether an admin approved it. The pseudonym key
/// is deliberately not here (see <see cref="ProjectStore.PseudonymKey"/>), so the API can show this record as it is.
/// </summary>
public sealed record Project(
    string Id,
    string OwnerId,
    string Title,
    string Purpose,
    IReadOnlyList<string> Datasets,
    IReadOnlyList<string>? Tables,
    MonthRange? Period,
    string Status,
    DateTimeOffset Created,
    string? DecidedBy,
    DateTimeOffset? ExpiresAt,
    ProjectBudget Budget)
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Rejected = "rejected";

    /// <summary>Shown instead of "approved" once the approval has run out; never stored, since time alone decides it.</summary>
    public const string Expired = "expired";

    /// <summary>The status as of <paramref name="now"/>: an approval past its expiry reads "expired".</summary>
    public string StatusAt(DateTimeOffset now) => Status == Approved && ExpiresAt <= now ? Expired : Status;

    /// <summary>The project as the API shows it at <paramref name="now"/>, with the figures it has been shown so far.</summary>
    public Project AsOf(DateTimeOffset now, IReleaseLedger ledger) => this with { Status = StatusAt(now), Budget = Budget with { Spent = ledger.Spent(Id) } };
}

/// <summary>
/// A project's disclosure budget: how many perturbed figures from restricted data it may be shown in all
/// (granted by an admin, <see cref="DisclosurePolicy.DefaultBudget"/> to start), and how many it has been shown.
/// </summary>
public sealed record ProjectBudget(long Granted, long Spent)
{
    public long Left => Math.Max(0, Granted - Spent);
}
