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
