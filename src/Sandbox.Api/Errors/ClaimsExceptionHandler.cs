using System.Text.Json;
using Claims.Engine;
using Claims.Engine.Privacy;
using Claims.Engine.Sharding;
using Claims.Engine.Storage;
using Claims.Sandbox.Datasets;
using Microsoft.AspNetCore.Diagnostics;

namespace Claims.Sandbox.Errors;

/// <summary>
/// Bad input found deep in the engine (an unknown column, a code that is no code, a malformed body) becomes a
/// 4xx problem document naming what is wrong, never a 500: the engine's errors already say it in words.
/// A disclosure refusal (differencing) is 403: the request is understood and refused by policy. A dataset file
/// found damaged while answering is no fault of the caller's: 503, naming the file, and the dataset the request
/// named is taken out of service (a damaged file read by a request that names none is found by the scrub).
/// </summary>
public sealed class ClaimsExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            DatasetUnavailableException e => (StatusCodes.Status503ServiceUnavailable, "Service unavailable", e.Message),
            ClusterModeException e => (StatusCodes.Status501NotImplemented, "Not implemented in cluster mode", e.Message),
            ShardsUnavailableException e => (StatusCodes.Status503ServiceUnavailable, "Service unavailable", $"the cluster could not answer: {e.Message}"),
            StoreException e => (StatusCodes.Status503ServiceUnavailable, "Service unavailable", Damaged(context, e)),
            SandboxAccessException e => (e.Status, e.Status == StatusCodes.Status404NotFound ? "Not found" : "Forbidden", e.Message),
            DisclosureException e => (StatusCodes.Status403Forbidden, "Refused by disclosure control", e.Message),
            ClaimsException e => (StatusCodes.Status400BadRequest, "Bad request", e.Message),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (StatusCodes.Status400BadRequest, "Bad request", "the request body is larger than the service accepts"),
            BadHttpRequestException e when e.Message.StartsWith("Implicit body inferred", StringComparison.Ordinal) =>
                (StatusCodes.Status400BadRequest, "Bad request", "this endpoint needs a JSON body"),
            BadHttpRequestException e => (StatusCodes.Status400BadRequest, "Bad request", e.InnerException is JsonException json ? $"{e.Message} {json.Message}" : e.Message),
            InvalidOperationException e when Claims.Engine.Query.QueryParser.IsInvalidText(e) =>
                (StatusCodes.Status400BadRequest, "Bad request", $"the body holds a string that is not valid Unicode: {e.Message}"),
            JsonException e => (StatusCodes.Status400BadRequest, "Bad request", $"the body is not valid JSON: {e.Message}"),
            _ => (0, "", ""),
        };
        if (status == 0 || context.Response.HasStarted) return false;
        await Problems.Write(context, status, title, detail);
        return true;
    }

    private static string Damaged(HttpContext context, StoreException e)
    {
        var registry = context.RequestServices.GetRequiredService<DatasetRegistry>();
        if (context.Request.RouteValues["ds"] is not string name || !registry.Names.Contains(name)) return $"a dataset file is damaged: {e.Message}";
        registry.MarkUnavailable(name, e.Message);
        return new DatasetUnavailableException(name, e.Message).Message;
    }
}
