using Claims.Engine.Privacy;
using Claims.Engine.Schema;
using Claims.Engine.Storage;
using Claims.SyntheticGen;
using Claims.SyntheticGen.Model;
using Claims.Testing;

namespace Claims.Modelling.Tests.Disclosure;

/// <summary>
/// One synthetic population generated twice from one seed, once public and once restricted: the same rows, so what
/// the restricted run releases can be held against the exact figures of its public twin.
/// </summary>
public sealed class RestrictedFixture : IDisposable
{
    /// <summary>
    /// Everyone with six months behind them, admitted within a year: about 5,000 members of 6,000 persons, so that
    /// a test set of 30 % passes the minimum of 1,000 test members restricted data asks for.
    /// </summary>
    public const string Spec = """
        {"name": "admission within a year",
         "target": {"name": "everyone with six months of history", "entry": {"table": "receipts", "occurrence": "every"}, "priorObservationMonths": 6},
         "outcome": {"table": "receipts", "where": {"col": "admission_date", "isNull": false}, "startDays": 1, "endDays": 360},
         "features": {"diagnoses": "letter", "windows": [[-180, -1]], "minMembers": 20},
         "model": {"kind": "lightGbm", "leaves": 8, "minMembersPerLeaf": 50, "iterations": 40},
         "split": {"testFraction": 0.3, "seed": 1}}
        """;

    private readonly TempDirectory _temp = new("claims-model-restricted");
    private int _projects;

    public RestrictedFixture()
    {
        var model = GeneratorModel.Load(ClaimsSchema.Default);
        foreach (var (name, access) in new[] { ("public", DatasetAccess.Public), ("restricted", DatasetAccess.Restricted) })
            Generator.Run(new GenerateOptions { Out = _temp.Combine(name), Persons = 6_000, From = 202201, Months = 24, Seed = 29, Access = access }, model);
        Public = Dataset.Open(_temp.Combine("public"));
        Restricted = Dataset.Open(_temp.Combine("restricted"));
    }

    public Dataset Public { get; }

    public Dataset Restricted { get; }

    public string Temp(string name) => _temp.Combine(name);

    /// <summary>A project of its own, with a ledger of its own, so that no test's releases meet another's.</summary>
    public DisclosureRequest NewProject(long budget = DisclosurePolicy.DefaultBudget)
    {
        var project = Interlocked.Increment(ref _projects);
        return new DisclosureRequest($"p{project}", new ReleaseLedger(_temp.Combine($"ledger-{project}")), "a model spec", DisclosurePolicy.Default, budget);
    }

    public void Dispose()
    {
        Public.Dispose();
        Restricted.Dispose();
        _temp.Dispose();
    }
}
