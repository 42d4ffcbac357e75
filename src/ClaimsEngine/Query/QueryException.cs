namespace Claims.Engine.Query;

/// <summary>A query that cannot run: malformed JSON, an unknown table, column, operator or code. The message names the place.</summary>
public sealed class QueryException(string path, string message) : ClaimsException($"{path}: {message}")
{
    /// <summary>Where in the query the problem is, e.g. <c>where.and[2].col</c>.</summary>
    public string Path { get; } = path;
}
