using Claims.Engine.Cohorts;
using Claims.Engine.Query;
using Claims.Engine.Schema;
using Claims.Engine.Storage;
using Claims.Sandbox.Audit;
using Claims.Sandbox.Errors;
using Claims.Sandbox.Identity;
using Claims.Sandbox.Projects;

namespace Claims.Sandbox.Datasets;

/// <summary>
/// Who may query which dataset. Public data: every role. Restricted data: only an analyst, and only inside a
/// project (header X-Claims-Project or ?project=) that <see cref="IProjectAccess"/> grants for the dataset; the
/// grant's project keys the release ledger.
/// </summary>
public static class DatasetGate
{
    public const string ProjectHeader = "X-Claims-Project";

    public static bool MayQuery(DatasetAccess access, string role) => access == DatasetAccess.Public || role == Roles.Analyst;

    /// <summary>The grant a request on restricted data runs under (null on public data, where nothing is recorded); refusals throw.</summary>
    public static ProjectGrant? Project(HttpContext context, string name, DatasetAccess access)
    {
        if (access == DatasetAccess.Public) return null;
        var role = context.User.Role();
        if (!MayQuery(access, role))
            throw SandboxAccessException.Forbidden($"dataset '{name}' is restricted: only an analyst inside an approved project may query it, not the role '{role}'");
        var requested = context.Request.Headers[ProjectHeader].FirstOrDefault() is { Length: > 0 } header ? header : context.Request.Query["project"].FirstOrDefault();
        AuditDetails.Of(context).ProjectId = string.IsNullOrEmpty(requested) ? null : requested;
        var grant = context.RequestServices.GetRequiredService<IProjectAccess>().Require(context.User, string.IsNullOrEmpty(requested) ? null : requested, name);
        AuditDetails.Of(context).ProjectId = grant.ProjectId;
        return grant;
    }

    /// <summary>Refuses a query or cohort that reads a table the project was not approved for.</summary>
    public static void RequireTables(ProjectGrant? grant, IEnumerable<TableSchema> tables)
    {
        if (grant?.Tables is not { } approved) return;
        var outside = tables.Select(t => t.Name).Distinct().Where(t => !approved.Contains(t)).ToArray();
        if (outside.Length > 0)
            throw SandboxAccessException.Forbidden($"project '{grant.ProjectId}' is approved for the tables {string.Join(", ", approved)}, not {string.Join(", ", outside)}");
    }

    /// <summary>The tables a query reads: its own, those of its exists and parent clauses, and the receipts its receipt columns are grouped by or summed from.</summary>
    public static IEnumerable<TableSchema> Tables(QueryModel query, ClaimsSchema schema) =>
        [query.From, .. Children(query.Where), .. query.GroupBy.Where(k => k.OfParent).Select(k => schema.Table(k.Column.Table)),
            .. query.Select.Where(a => a.OfParent).Select(a => schema.Table(a.Column!.Table))];

    /// <summary>The tables a cohort reads: its entry's, its event rules', their exists clauses', and those it reads besides (<see cref="CohortDefinition.ImplicitTables"/>).</summary>
    public static IEnumerable<TableSchema> Tables(CohortDefinition cohort, ClaimsSchema schema) =>
        new[] { cohort.Entry }.Concat(cohort.Inclusion.Concat(cohort.Exclusion).OfType<EventCountRule>().Select(r => r.Event)).SelectMany(Tables)
            .Concat(cohort.ImplicitTables(schema));

    /// <summary>The tables an event reads: its own and those of its exists and parent clauses.</summary>
    public static IEnumerable<TableSchema> Tables(EventCriterion criterion) => [criterion.Table, .. Children(criterion.Where)];

    private static IEnumerable<TableSchema> Children(Predicate? where) => where switch
    {
        AndPredicate and => and.Terms.SelectMany(Children),
        OrPredicate or => or.Terms.SelectMany(Children),
        NotPredicate not => Children(not.Term),
        ExistsPredicate exists => [exists.Child, .. Children(exists.Where)],
        ParentPredicate parent => [parent.Parent, .. Children(parent.Where)],
        PatientMonthPredicate month => Children(month.Where),
        FirstEventPredicate first => Children(first.Where),
        FirstOfReceiptPredicate line => Children(line.Where),
        _ => [],
    };
}
