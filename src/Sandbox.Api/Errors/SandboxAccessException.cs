namespace Claims.Sandbox.Errors;

/// <summary>A request refused for who is asking (403) or for what does not exist (404), with the reason in words.</summary>
public sealed class SandboxAccessException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    public static SandboxAccessException Forbidden(string message) => new(StatusCodes.Status403Forbidden, message);

    public static SandboxAccessException NotFound(string message) => new(StatusCodes.Status404NotFound, message);
}
