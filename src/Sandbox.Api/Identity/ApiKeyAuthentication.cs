using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Claims.Sandbox.Identity;

/// <summary>
/// `Authorization: Bearer KEY`, checked against the stored hashes on every request, so a revoked key fails on
/// the very next one. No key, or a dead one, is 401 with a problem document.
/// </summary>
public sealed class ApiKeyAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, UserStore users)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string UserIdClaim = "claims:user";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header)) return Task.FromResult(AuthenticateResult.NoResult());
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return Task.FromResult(AuthenticateResult.Fail("the Authorization header must be 'Bearer <api key>'"));
        var user = users.Authenticate(header["Bearer ".Length..].Trim());
        if (user is null) return Task.FromResult(AuthenticateResult.Fail("the API key is unknown or revoked"));
        var identity = new ClaimsIdentity(
            [new Claim(UserIdClaim, user.Id), new Claim(ClaimTypes.Name, user.Name), new Claim(ClaimTypes.Role, user.Role)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Problems.Write(Context, StatusCodes.Status401Unauthorized, "Unauthorized",
            failure ?? "this endpoint needs an API key: send 'Authorization: Bearer <key>' (POST /api/signup gives an explorer key)");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.Write(Context, StatusCodes.Status403Forbidden, "Forbidden",
            $"the role '{Context.User.FindFirstValue(ClaimTypes.Role)}' may not use {Request.Method} {Request.Path}");
}

public static class CurrentUser
{
    public static string Id(this ClaimsPrincipal user) => user.FindFirstValue(ApiKeyAuthentication.UserIdClaim) ?? throw new InvalidOperationException("not authenticated");

    public static string Role(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.Role) ?? throw new InvalidOperationException("not authenticated");
}
