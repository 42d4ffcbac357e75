using Claims.Sandbox.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Claims.Sandbox.OpenApi;

/// <summary>
/// The API key as the document's security scheme (HTTP bearer, as <see cref="ApiKeyAuthentication"/> reads it),
/// required by every operation whose endpoint requires authorization, with the 401 that authentication answers
/// and, where the endpoint admits only some roles, the 403. Read from the endpoints' own authorization metadata,
/// so a new endpoint is documented as it is guarded. Sign-up, the schema catalogue and /health say they need none.
/// </summary>
internal sealed class KeySecurity : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    public const string Scheme = ApiKeyAuthentication.SchemeName;

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.AddComponent<IOpenApiSecurityScheme>(Scheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The API key, sent as `Authorization: Bearer KEY`. `POST /api/signup` gives an explorer's key; an admin issues the others.",
        });
        return Task.CompletedTask;
    }

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAllowAnonymous>().Any() || !metadata.Any(m => m is IAuthorizeData or AuthorizationPolicy))
        {
            operation.Security = [];
            return;
        }
        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Scheme, context.Document)] = [] }];
        await ProblemResponse.Add(operation, context, StatusCodes.Status401Unauthorized, "No API key, or one unknown or revoked", cancellationToken);
        // A group's policy and its endpoint's both apply: the roles admitted are those every one admits.
        var roles = metadata.OfType<AuthorizationPolicy>().SelectMany(p => p.Requirements.OfType<RolesAuthorizationRequirement>())
            .Select(r => r.AllowedRoles).Aggregate((IEnumerable<string>?)null, (admitted, allowed) => admitted?.Intersect(allowed) ?? allowed);
        if (roles is not null)
            await ProblemResponse.Add(operation, context, StatusCodes.Status403Forbidden, $"The key's role is not {string.Join(" or ", roles)}", cancellationToken);
    }
}
