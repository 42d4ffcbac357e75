using System.Diagnostics;
using Claims.Sandbox.Identity;

namespace Claims.Sandbox.Audit;

/// <summary>
/// Writes one audit entry for every request under /api once it has been answered, whatever the outcome (a 401
/// or a refused disclosure is as much worth knowing as a success). Handlers add the subject hash, result size
/// and suppression through <see cref="AuditDetails"/>; otherwise the size is the response's bytes. While the log is
/// broken nothing that must be audited is served: every /api request is refused with 503, except an admin's reading
/// of the log itself (GET /api/audit and /api/audit/verify), which releases no data and is how the break is examined.
/// </summary>
public sealed class AuditMiddleware(RequestDelegate next, AuditLog log)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/api"))
        {
            await next(context);
            return;
        }
        if (!ReadsTheLog(context.Request) && log.Check() is { } broken)
        {
            await Problems.Write(context, StatusCodes.Status503ServiceUnavailable, "Service unavailable",
                $"the audit log is broken ({broken}); requests that must be audited are refused until an admin restores it");
            return;
        }
        var stopwatch = Stopwatch.StartNew();
        var counting = new CountingStream(context.Response.Body);
        context.Response.Body = counting;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = counting.Inner;
            var details = AuditDetails.Of(context);
            var authenticated = context.User.Identity?.IsAuthenticated == true;
            var status = context.Response.StatusCode;
            log.Append(authenticated ? context.User.Id() : null, authenticated ? context.User.Role() : null,
                details.ProjectId ?? (context.Request.Path.StartsWithSegments("/api/projects") ? context.Request.RouteValues["id"] as string : null),
                context.Request.Method, context.Request.Path.Value ?? "", status, details.SubjectHash, details.ResultSize ?? counting.Written,
                details.Suppression, stopwatch.Elapsed.TotalMilliseconds);
        }
    }

    private static bool ReadsTheLog(HttpRequest request) => HttpMethods.IsGet(request.Method) && request.Path.StartsWithSegments("/api/audit");

    /// <summary>Passes writes through and counts them: the size of what left the service.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public Stream Inner { get; } = inner;
        public long Written { get; private set; }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => Inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => Inner.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            Inner.Write(buffer, offset, count);
            Written += count;
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Inner.WriteAsync(buffer, cancellationToken);
            Written += buffer.Length;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
