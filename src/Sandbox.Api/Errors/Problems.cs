using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Claims.Sandbox;

/// <summary>RFC 7807 problem documents, written the same way from handlers, middleware and authentication.</summary>
public static class Problems
{
    public static async Task Write(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    public static ProblemHttpResult Result(int status, string detail, string? title = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);

    public static ProblemHttpResult BadRequest(string detail) => Result(StatusCodes.Status400BadRequest, detail);

    public static ProblemHttpResult Forbidden(string detail) => Result(StatusCodes.Status403Forbidden, detail);

    public static ProblemHttpResult NotFound(string detail) => Result(StatusCodes.Status404NotFound, detail);
}
