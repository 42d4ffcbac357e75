namespace Claims.Testing;

/// <summary>Folders of this repository, found by walking up from the test binaries to Claims.sln.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string DataSchemas => Path.Combine(Root, "data-schemas");

    /// <summary>
    /// <paramref name="file"/> in the build output of src/<paramref name="project"/>, of this test binary's configuration
    /// and framework: a program run from its own folder, with its own runtime config and dependencies.
    /// </summary>
    public static string BuildOutput(string project, string file)
    {
        var framework = new DirectoryInfo(AppContext.BaseDirectory);
        return Path.Combine(Root, "src", project, "bin", framework.Parent!.Name, framework.Name, file);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Claims.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"no Claims.sln above {AppContext.BaseDirectory}");
    }
}
