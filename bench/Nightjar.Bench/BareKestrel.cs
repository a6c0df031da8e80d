using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Nightjar.Recorder.Hosting;

namespace Nightjar.Bench;

/// <summary>
/// The baseline for the API row: a plain Kestrel TLS endpoint with the recorder's own certificate that answers
/// <c>GET /api/v1/device</c> with the same JSON bytes, and nothing else (no middleware, no authentication).
/// </summary>
public sealed class BareKestrel : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly DeviceCertificate certificate;

    private BareKestrel(WebApplication app, DeviceCertificate certificate, Uri url)
    {
        this.app = app;
        this.certificate = certificate;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<BareKestrel> StartAsync(string recorderDataDir, byte[] json)
    {
        var certificate = DeviceCertificate.LoadOrCreate(recorderDataDir, TimeProvider.System);
        var port = Nightjar.TestSupport.FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.UseHttps(certificate.Certificate)));
        var app = builder.Build();
        app.MapGet("/api/v1/device", () => Results.Bytes(json, "application/json"));
        await app.StartAsync();
        return new BareKestrel(app, certificate, new Uri($"https://127.0.0.1:{port}"));
    }

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        certificate.Dispose();
    }
}
