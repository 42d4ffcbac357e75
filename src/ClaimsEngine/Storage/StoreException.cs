namespace Claims.Engine.Storage;

/// <summary>A dataset file is missing, truncated, corrupt or of an unknown format. The message names the file.</summary>
public sealed class StoreException(string file, string message, Exception? inner = null)
    : ClaimsException($"{file}: {message}", inner)
{
    /// <summary>The file at fault, relative to the dataset directory where it is inside one.</summary>
    public string File { get; } = file;
}
