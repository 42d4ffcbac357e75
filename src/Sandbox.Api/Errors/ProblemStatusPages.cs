using Claims.Sandbox.Hosting;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Claims.Sandbox.Errors;

/// <summary>
/// The problem document for an error the framework answers without a body (no route, a wrong method or media
/// type, a body over the limit read in chunks), so that these too say in words what is wrong. A body over the
/// limit is a 400, as every other bad input.
/// </summary>
public static class ProblemStatusPages
{
    public static Task Write(StatusCodeContext status)
    {
        var context = status.HttpContext;
        var request = $"{context.Request.Method} {context.Request.Path}";
        var (code, detail) = context.Response.StatusCode switch
        {
            StatusCodes.Status413PayloadTooLarge => (StatusCodes.Status400BadRequest,
                $"the request body is larger than {context.RequestServices.GetRequiredService<IOptions<SandboxOptions>>().Value.MaxRequestBytes} bytes"),
            StatusCodes.Status415UnsupportedMediaType => (StatusCodes.Status415UnsupportedMediaType, $"{request} takes a JSON body: send it with Content-Type: application/json"),
            StatusCodes.Status404NotFound => (StatusCodes.Status404NotFound, $"there is no {request}; the endpoints are listed at /openapi/v1.json"),
            StatusCodes.Status405MethodNotAllowed => (StatusCodes.Status405MethodNotAllowed, $"{context.Request.Path} does not take {context.Request.Method}"),
            var other => (other, $"{request} failed with status {other}"),
        };
        return Problems.Write(context, code, ReasonPhrase(code), detail);
    }

    private static string ReasonPhrase(int code) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(code);
}
