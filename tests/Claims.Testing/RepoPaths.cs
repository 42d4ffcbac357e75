namespace Claims.Testing;

/// <summary>Folders of this repository, found by walking up from the test binaries to Claims.sln.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string DataSchemas => Path.Combine(Root, "data-schemas");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Claims.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"no Claims.sln above {AppContext.BaseDirectory}");
    }
}
