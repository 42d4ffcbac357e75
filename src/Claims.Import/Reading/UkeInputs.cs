using Claims.Engine;

namespace Claims.Import.Reading;

/// <summary>The files an import reads: each named file, and every *.UKE file (any case) of each named folder, in path order.</summary>
internal static class UkeInputs
{
    public static IReadOnlyList<string> Expand(IReadOnlyList<string> inputs)
    {
        if (inputs.Count == 0) throw new ClaimsException("no UKE files or folders were given");
        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (File.Exists(input)) files.Add(Path.GetFullPath(input));
            else if (Directory.Exists(input))
            {
                var found = Directory.EnumerateFiles(input)
                    .Where(f => Path.GetExtension(f).Equals(".uke", StringComparison.OrdinalIgnoreCase))
                    .Select(Path.GetFullPath)
                    .ToArray();
                if (found.Length == 0) throw new ClaimsException($"'{input}' holds no *.UKE files");
                files.AddRange(found);
            }
            else throw new ClaimsException($"'{input}' is neither a UKE file nor a folder");
        }
        return files.Distinct().Order(StringComparer.Ordinal).ToArray();
    }
}
