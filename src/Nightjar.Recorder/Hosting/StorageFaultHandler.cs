using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Nightjar.Contracts;

namespace Nightjar.Recorder.Hosting;

/// <summary>
/// A request that meets a storage failure (a full disk, a read-only or damaged database) is answered 503 with the
/// reason and a Retry-After, not 500 with a stack trace, and <see cref="StorageHealth"/> remembers it for /healthz.
/// </summary>
public sealed class StorageFaultHandler(StorageHealth health, IProblemDetailsService problems, ILogger<StorageFaultHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (StorageFault.Of(exception) is not { } kind)
        {
            return false;
        }

        health.Failed(kind);
        var reason = StorageFault.Describe(kind);
        logger.LogError("{Method} {Path} failed: {Reason} ({Message})", httpContext.Request.Method, httpContext.Request.Path, reason, exception.Message);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "30";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Type = ProblemTypes.StorageUnavailable,
                Title = "Storage unavailable",
                Detail = $"The recorder cannot use its storage: {reason}. Nothing was changed.",
            },
        });
    }
}
