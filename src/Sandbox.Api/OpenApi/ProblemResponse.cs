using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Claims.Sandbox.OpenApi;

/// <summary>The RFC 7807 problem responses of the OpenAPI document.</summary>
internal static class ProblemResponse
{
    /// <summary>The statuses an endpoint's own problems have; authentication's and the rate limiter's are added to every operation they guard.</summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder endpoint, params int[] statuses)
    {
        foreach (var status in statuses) endpoint.ProducesProblem(status);
        return endpoint;
    }

    /// <summary>A response middleware answers (authentication, the rate limiter), added as ProducesProblem would add it.</summary>
    /// <remarks>Unless the endpoint declares that status itself.</remarks>
    public static async Task Add(OpenApiOperation operation, OpenApiOperationTransformerContext context, int status, string description,
        CancellationToken cancellationToken)
    {
        operation.Responses ??= [];
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses.ContainsKey(key)) return;
        // The component ProducesProblem's responses refer to; added here too, in case no endpoint declares one.
        var document = context.Document!;
        document.AddComponent<IOpenApiSchema>(nameof(ProblemDetails), await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), cancellationToken: cancellationToken));
        operation.Responses[key] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(nameof(ProblemDetails), document) } },
        };
    }
}
