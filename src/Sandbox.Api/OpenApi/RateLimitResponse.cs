using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Claims.Sandbox.OpenApi;

/// <summary>The 429 the global rate limiter can answer to any request (per key, or per address without one).</summary>
internal sealed class RateLimitResponse : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken) =>
        ProblemResponse.Add(operation, context, StatusCodes.Status429TooManyRequests, "The rate limit for this key or address is exceeded; wait and retry", cancellationToken);
}
