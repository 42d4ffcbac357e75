using Apache.Arrow;
using Claims.Engine.Privacy;
using Claims.Engine.Query;

namespace Claims.Engine.Tests.Privacy.Attacks;

/// <summary>
/// A hostile analyst with an approved project on the restricted fixture: asks queries as the service would run
/// them, and keeps every figure released to them, so a test can check that none is an exact 1 to 9.
/// The threat model these attacks document is in docs/disclosure-control.md.
/// </summary>
internal sealed class Analyst(RestrictedFixture fixture, long budget = DisclosurePolicy.DefaultBudget, int secret = 1)
{
    private readonly List<double> _seen = [];

    public ReleaseLedger Ledger { get; } = fixture.NewLedger(secret);

    public IReadOnlyList<double> Seen => _seen;

    public DisclosedResult Ask(string json)
    {
        var query = QueryParser.Parse(json, fixture.Dataset.Schema);
        var result = DisclosureControl.Apply(fixture.Dataset, query, new DisclosureRequest("attack", Ledger, json, DisclosurePolicy.Default, budget));
        foreach (var aggregate in query.Select)
        {
            var column = result.Batch.Column(result.Batch.Schema.GetFieldIndex(aggregate.Alias));
            for (var r = 0; r < result.Batch.Length; r++) if (Value(column, r) is { } v) _seen.Add(v);
        }
        return result;
    }

    /// <summary>The first row's value of <paramref name="column"/>, or null where it was suppressed.</summary>
    public double? One(string json, string column = "n")
    {
        var result = Ask(json);
        return Value(result.Batch.Column(result.Batch.Schema.GetFieldIndex(column)), 0);
    }

    public static double? Value(IArrowArray array, int row) => array switch
    {
        Int64Array a => a.GetValue(row),
        DoubleArray d => d.GetValue(row),
        _ => null,
    };
}
