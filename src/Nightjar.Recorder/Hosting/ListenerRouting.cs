using System.Net;
using System.Net.Security;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Nightjar.Recorder.Hosting;

/// <summary>
/// Binds the console and API listeners and keeps each one to its own routes. The listener is recorded on the
/// connection itself, so no header a client sends (Host, X-Forwarded-For, …) can move a request from the API
/// listener onto the console's routes.
/// </summary>
public static class ListenerRouting
{
    private const string ConnectionItemKey = "nightjar.listener";

    /// <summary>The largest request body either listener reads: the console's forms and the API's JSON are small.</summary>
    public const int MaxRequestBodyBytes = 64 * 1024;

    public static void ConfigureListeners(this IWebHostBuilder webHost, RecorderOptions options, DeviceCertificate certificate, OwnerCertificate? owner)
    {
        RecorderOptionsValidator.TryParseListener(options.Console.Url, "http", out var console, out _);
        RecorderOptionsValidator.TryParseListener(options.Api.Url, "https", out var api, out _);

        webHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Bounded bodies and headers: the console's forms and the API's JSON are small.
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);

            kestrel.Listen(console, listen => Tag(listen, Listener.Console));
            kestrel.Listen(api, listen =>
            {
                Tag(listen, Listener.Api);
                // The owner's certificate to a browser that asks for its name; the box's own to everyone else, apps
                // included (they pin it).
                var own = SslStreamCertificateContext.Create(certificate.Certificate, additionalCertificates: null, offline: true);
                listen.UseHttps(new TlsHandshakeCallbackOptions
                {
                    OnConnection = context => ValueTask.FromResult(new SslServerAuthenticationOptions
                    {
                        ServerCertificateContext = owner?.For(context.ClientHelloInfo.ServerName) ?? own,
                        ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
                    }),
                });
            });
        });
    }

    private static void Tag(ListenOptions listen, Listener listener) =>
        listen.Use(next => connection =>
        {
            connection.Items[ConnectionItemKey] = listener;
            return next(connection);
        });

    public static Listener ListenerOf(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(ConnectionItemKey, out var value) == true
            && value is Listener listener
            ? listener
            // A request that did not come through a tagged listener is treated as the more exposed one.
            : Listener.Api;

    /// <summary>
    /// The API listener serves only <c>/healthz</c>, <c>/api/</c> and the web app's files; the console listener serves
    /// everything else but the API, and only to loopback peers.
    /// </summary>
    public static IApplicationBuilder UseListenerIsolation(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            var isApiPath = path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);
            var isHealth = path.Equals("/healthz", StringComparison.OrdinalIgnoreCase);
            var allowed = ListenerOf(context) switch
            {
                Listener.Api => isApiPath || isHealth || WebApp.WebAppFiles.Serves(path),
                _ => !isApiPath && IsLoopback(context.Connection.RemoteIpAddress),
            };

            if (!allowed)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                await Results.Problem(
                    statusCode: StatusCodes.Status404NotFound,
                    title: "Not found",
                    type: Contracts.ProblemTypes.NotFound).ExecuteAsync(context);
                return;
            }

            await next(context);
        });

    private static bool IsLoopback(IPAddress? address) => address is not null && IPAddress.IsLoopback(address);
}
