using System.CommandLine;
using Claims.Engine.Privacy;
using Claims.Engine.Storage;

namespace Claims.Cli.Commands;

/// <summary>The options of every command that releases results from a restricted dataset: the project, its ledger of releases, the threshold, its margin and the budget.</summary>
internal sealed class DisclosureOptions(string projectDescription = "The project the results are released to (required on restricted data)", bool projectRequired = false)
{
    public Option<string?> Project { get; } = new("--project") { Description = projectDescription, Required = projectRequired };

    public Option<string?> Releases { get; } = new("--releases")
    {
        Description = "The folder of each project's earlier releases (default $CLAIMS_HOME/releases, CLAIMS_HOME defaulting to ~/.claims)",
    };

    public Option<int> Threshold { get; } = new("--threshold")
    {
        Description = $"Counts of fewer patients are suppressed on restricted data (at least {DisclosurePolicy.MinimumReleaseThreshold}: it can be raised, never lowered)",
        DefaultValueFactory = _ => DisclosurePolicy.DefaultThreshold,
        Validators =
        {
            result =>
            {
                if (result.GetValueOrDefault<int>() < DisclosurePolicy.MinimumReleaseThreshold)
                    result.AddError($"--threshold: {result.GetValueOrDefault<int>()} is below the floor of {DisclosurePolicy.MinimumReleaseThreshold}");
            },
        },
    };

    public Option<int> Margin { get; } = new("--margin")
    {
        Description = $"How far past the threshold a cell's perturbed count must reach to be shown (0 to {PerturbationTable.MaxNoise}): " +
            "more hides more cells just over the threshold, and stops one known person from deciding whether a cell is shown",
        DefaultValueFactory = _ => 0,
        Validators =
        {
            result =>
            {
                if (result.GetValueOrDefault<int>() is < 0 or > PerturbationTable.MaxNoise)
                    result.AddError($"--margin: {result.GetValueOrDefault<int>()} must be from 0 to {PerturbationTable.MaxNoise}");
            },
        },
    };

    public Option<long> Budget { get; } = new("--budget")
    {
        Description = "How many perturbed figures the project may be shown in all, counted in its ledger; once it is spent, releases are refused (the last one may pass it)",
        DefaultValueFactory = _ => DisclosurePolicy.DefaultBudget,
        Validators =
        {
            result =>
            {
                if (result.GetValueOrDefault<long>() < 1) result.AddError($"--budget: {result.GetValueOrDefault<long>()} must be at least 1");
            },
        },
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Project);
        command.Options.Add(Releases);
        command.Options.Add(Threshold);
        command.Options.Add(Margin);
        command.Options.Add(Budget);
    }

    private DisclosurePolicy Policy(ParseResult parse) => new(parse.GetValue(Threshold), parse.GetValue(Margin));

    /// <summary>The release request for <paramref name="dataset"/>, which names the project only when the dataset is restricted.</summary>
    public DisclosureRequest Request(ParseResult parse, Dataset dataset, string description) =>
        Request(parse, dataset.Manifest.Access, dataset.Directory, description);

    /// <summary>The request for a dataset of <paramref name="access"/> at <paramref name="directory"/> (a split one's folder, for one queried through its cluster).</summary>
    public DisclosureRequest Request(ParseResult parse, DatasetAccess access, string directory, string description) => new(
        access != DatasetAccess.Restricted ? parse.GetValue(Project) ?? "" : parse.GetValue(Project)
            ?? throw new Engine.ClaimsException($"--project: dataset '{directory}' is restricted: name the project the results are released to"),
        new ReleaseLedger(parse.GetValue(Releases) ?? DefaultReleases()), description, Policy(parse), parse.GetValue(Budget));

    private static string DefaultReleases()
    {
        var home = Environment.GetEnvironmentVariable("CLAIMS_HOME") is { Length: > 0 } set
            ? set
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".claims");
        return Path.Combine(home, "releases");
    }
}
