namespace Nightjar.Recorder.Hosting;

/// <summary>
/// Headers every answer carries: <c>nosniff</c> everywhere; on the API listener (TLS only) HSTS, and
/// <c>Cache-Control: no-store</c> unless a route set its own, so no token, ticket or recording lands in a cache; the
/// same on the console's recovery and login routes, whose answers hold tickets and Recovery Keys.
/// </summary>
public static class SecurityHeaders
{
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            var api = ListenerRouting.ListenerOf(context) == Listener.Api;
            if (api)
            {
                headers.StrictTransportSecurity = "max-age=31536000";
                headers.ContentSecurityPolicy = WebApp.WebAppFiles.ContentSecurityPolicy;
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
            }

            var path = context.Request.Path;
            if ((api || path.StartsWithSegments("/console/recovery", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/console/login", StringComparison.OrdinalIgnoreCase)) && !headers.ContainsKey("Cache-Control"))
            {
                headers.CacheControl = "no-store";
            }

            return Task.CompletedTask;
        });
        return next(context);
    });
}
