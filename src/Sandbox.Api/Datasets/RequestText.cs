using System.Text;
using Claims.Sandbox.Audit;

namespace Claims.Sandbox.Datasets;

/// <summary>
/// A JSON query or cohort body read as text, not bound: the engine's parsers name every problem by its place,
/// and the audit hashes exactly what was sent.
/// </summary>
public static class RequestText
{
    public static async Task<string> Read(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(context.RequestAborted);
        AuditDetails.Of(context).SubjectHash = AuditDetails.HashOf(text);
        return text;
    }
}
