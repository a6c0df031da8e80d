using System.Globalization;

namespace Nightjar.Recorder.Hosting;

/// <summary>An answer (a 429 or 503 problem) with <c>Retry-After</c> in whole seconds, at least 1.</summary>
public sealed class RetryAfterResult(DateTimeOffset retryAt, IResult inner) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        var clock = httpContext.RequestServices.GetRequiredService<TimeProvider>();
        var seconds = Math.Max(1, (int)Math.Ceiling((retryAt - clock.GetUtcNow()).TotalSeconds));
        httpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return inner.ExecuteAsync(httpContext);
    }
}
