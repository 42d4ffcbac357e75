using System.Net.Mail;
using System.Security.Claims;
using Claims.Sandbox.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Claims.Sandbox.Identity;

/// <summary>
/// Self-service sign-up (explorers, rate-limited per client address), who am I, and the admin's users and keys.
/// </summary>
public static class IdentityApi
{
    public const string SignupLimit = "signup";

    public static IEndpointRouteBuilder MapIdentityApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/signup", SignUp).WithName("SignUp").WithTags("Identity").AllowAnonymous().RequireRateLimiting(SignupLimit)
            .WithSummary("Sign up as an explorer: the answer holds your API key, shown this once")
            .ProducesProblems(StatusCodes.Status400BadRequest);
        app.MapGet("/api/me", Me).WithName("Me").WithTags("Identity").RequireAuthorization().WithSummary("The user and role the key belongs to");

        var admin = app.MapGroup("/api").WithTags("Admin").RequireAuthorization(p => p.RequireRole(Roles.Admin));
        admin.MapGet("/users", ListUsers).WithName("ListUsers").WithSummary("Every user, with role and state");
        admin.MapPost("/users", CreateUser).WithName("CreateUser").WithSummary("Create a user of any role: the answer holds their API key, shown this once")
            .ProducesProblems(StatusCodes.Status400BadRequest);
        admin.MapDelete("/users/{id}", DisableUser).WithName("DisableUser").WithSummary("Disable a user: their keys fail from the next request")
            .ProducesProblems(StatusCodes.Status404NotFound);
        admin.MapGet("/users/{id}/keys", ListKeys).WithName("ListKeys").WithSummary("A user's keys (never the keys themselves)")
            .ProducesProblems(StatusCodes.Status404NotFound);
        admin.MapPost("/users/{id}/keys", IssueKey).WithName("IssueKey").WithSummary("Issue a user another key, shown this once")
            .ProducesProblems(StatusCodes.Status404NotFound);
        admin.MapDelete("/keys/{id}", RevokeKey).WithName("RevokeKey").WithSummary("Revoke a key: it fails from the next request")
            .ProducesProblems(StatusCodes.Status404NotFound);
        return app;
    }

    public static Results<Created<NewUser>, ProblemHttpResult> SignUp(SignupRequest request, UserStore users)
    {
        if ((Invalid(request.Name, "name") ?? InvalidEmail(request.Email)) is { } problem) return problem;
        var (user, key) = users.Create(request.Name!.Trim(), request.Email!.Trim(), Roles.Explorer);
        return TypedResults.Created($"/api/users/{user.Id}", new NewUser(user.Id, key, user.Role));
    }

    public static Me Me(ClaimsPrincipal principal, UserStore users)
    {
        var user = users.Find(principal.Id())!;
        return new Me(user.Id, user.Name, user.Role);
    }

    public static IReadOnlyList<User> ListUsers(UserStore users) => users.List();

    public static Results<Created<NewUser>, ProblemHttpResult> CreateUser(CreateUserRequest request, UserStore users)
    {
        if (Invalid(request.Name, "name") is { } problem) return problem;
        if (request.Role is null || !Roles.All.Contains(request.Role))
            return Problems.BadRequest($"role must be one of {string.Join(", ", Roles.All)}");
        if (request.Email is not null && InvalidEmail(request.Email) is { } bad) return bad;
        var (user, key) = users.Create(request.Name!.Trim(), request.Email, request.Role);
        return TypedResults.Created($"/api/users/{user.Id}", new NewUser(user.Id, key, user.Role));
    }

    public static Results<NoContent, ProblemHttpResult> DisableUser(string id, UserStore users) =>
        users.Disable(id) ? TypedResults.NoContent() : Problems.NotFound($"no active user '{id}'");

    public static Results<Ok<IReadOnlyList<ApiKeyInfo>>, ProblemHttpResult> ListKeys(string id, UserStore users) =>
        users.Find(id) is null ? Problems.NotFound($"no user '{id}'") : TypedResults.Ok(users.Keys(id));

    public static Results<Created<NewKey>, ProblemHttpResult> IssueKey(string id, UserStore users)
    {
        if (users.Find(id) is not { Disabled: false }) return Problems.NotFound($"no active user '{id}'");
        var key = users.IssueKey(id);
        return TypedResults.Created($"/api/users/{id}/keys", new NewKey(id, key));
    }

    public static Results<NoContent, ProblemHttpResult> RevokeKey(string id, UserStore users) =>
        users.RevokeKey(id) ? TypedResults.NoContent() : Problems.NotFound($"no live key '{id}'");

    private static ProblemHttpResult? Invalid(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? Problems.BadRequest($"{field} is required")
        : value.Length > 200 ? Problems.BadRequest($"{field} is longer than 200 characters")
        : null;

    private static ProblemHttpResult? InvalidEmail(string? email) =>
        string.IsNullOrWhiteSpace(email) ? Problems.BadRequest("email is required")
        : email.Length > 200 || !MailAddress.TryCreate(email.Trim(), out _) ? Problems.BadRequest($"email '{email}' is not an e-mail address")
        : null;
}

public sealed record SignupRequest(string? Name, string? Email);

public sealed record CreateUserRequest(string? Name, string? Role, string? Email);

public sealed record NewUser(string UserId, string ApiKey, string Role);

public sealed record NewKey(string UserId, string ApiKey);

public sealed record Me(string UserId, string Name, string Role);
