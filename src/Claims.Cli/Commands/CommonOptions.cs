using System.CommandLine;

namespace Claims.Cli.Commands;

/// <summary>Options several commands share, so that they are spelled and described the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<string> Data() => new("--data")
    {
        Description = "The dataset directory (the one holding manifest.json)",
        Required = true,
    };

    public static Option<string?> Period() => new("--period")
    {
        Description = "Read only the months FROM..TO (YYYY-MM..YYYY-MM, both included), as a project approved for that period sees the data",
    };

    /// <summary>The dataset through <see cref="Period"/>'s months, or whole when the option is absent.</summary>
    public static Engine.Storage.Dataset InPeriod(Engine.Storage.Dataset dataset, string? period) =>
        period is null ? dataset : dataset.Period(Months(period));

    /// <summary>FROM..TO as <see cref="Period"/> takes it.</summary>
    public static Engine.Storage.MonthRange Months(string period)
    {
        var parts = period.Split("..");
        if (parts.Length != 2) throw new Engine.ClaimsException($"--period '{period}' is not FROM..TO (e.g. 2023-04..2024-03)");
        return new Engine.Storage.MonthRange(ParseMonth(parts[0], "--period"), ParseMonth(parts[1], "--period"));
    }

    /// <summary>YYYY-MM (or YYYYMM) to YYYYMM.</summary>
    public static int ParseMonth(string text, string option)
    {
        var digits = text.Trim().Replace("-", "");
        if (digits.Length == 6 && int.TryParse(digits, out var month) && Engine.Storage.MonthKey.IsValid(month)) return month;
        throw new Engine.ClaimsException($"{option} '{text}' is not a month (YYYY-MM)");
    }

    public static Option<bool> Json() => new("--json") { Description = "Print JSON instead of a table" };

    public static Option<string> Out(string description) => new("--out") { Description = description, Required = true };

    /// <summary>The text of a definition option: a file, or - for standard input.</summary>
    public static string ReadText(string path, TextReader input, string option) =>
        path == "-" ? input.ReadToEnd()
        : File.Exists(path) ? File.ReadAllText(path)
        : throw new Engine.ClaimsException($"{option}: no file '{path}'");

    /// <summary>
    /// Refuses a command that would copy or profile every row of a restricted dataset: such data leaves only as
    /// disclosure-controlled aggregates (query, cohort) or as a project's pseudonymised extract.
    /// </summary>
    public static void RequirePublic(Engine.Storage.DatasetManifest manifest, string directory, string command)
    {
        if (manifest.Access == Engine.Storage.DatasetAccess.Restricted)
            throw new Engine.ClaimsException($"'{command}' reads every row, and the dataset at '{Path.GetFullPath(directory)}' is restricted: " +
                "use query or cohort (disclosure-controlled) or extract (inside a project)");
    }
}
