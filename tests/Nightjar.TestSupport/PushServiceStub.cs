using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Nightjar.TestSupport;

/// <summary>
/// A push service on loopback, as a browser's would be: Kestrel over TLS with a certificate from its own authority (the
/// recorder is told to trust it with <c>Nightjar:Notifications:Push:CaFile</c>), taking <c>POST /push/{id}</c> and
/// keeping each request. It checks what a real push service checks: the VAPID token (an ES256 JWT for this origin, not
/// expired, signed by the key it names); <see cref="Answer"/> decides the status (201 Created by default).
/// </summary>
public sealed class PushServiceStub : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly string folder = Path.Combine(Path.GetTempPath(), "nightjar-push-" + Guid.NewGuid().ToString("N"));
    private readonly Arrivals<PushCall> received = new(c => $"{c.Path} {c.Refusal}");

    private PushServiceStub(int port)
    {
        Origin = $"https://127.0.0.1:{port}";
        Directory.CreateDirectory(folder);
        using var authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authorityRequest = new CertificateRequest("CN=Test Push Service Authority", authorityKey, HashAlgorithmName.SHA256);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        var now = TimeProvider.System.GetUtcNow();
        using var authority = authorityRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        CaFile = Path.Combine(folder, "push-ca.pem");
        File.WriteAllText(CaFile, authority.ExportCertificatePem());

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var leaf = request.Create(authority, now.AddDays(-1), now.AddDays(30), RandomNumberGenerator.GetBytes(8));
        using var withKey = leaf.CopyWithPrivateKey(key);
        var serving = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, o => o.UseHttps(serving)));
        builder.Logging.ClearProviders();
        app = builder.Build();
        app.MapPost("/push/{id}", async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var call = new PushCall(context.Request.Path, context.Request.Headers.Authorization.ToString(), context.Request.Headers.ContentEncoding.ToString(),
                context.Request.Headers["TTL"].ToString(), context.Request.Headers["Urgency"].ToString(), body.ToArray(), null);
            if (VapidProblem(call) is { } problem)
            {
                received.Add(call with { Refusal = problem });
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsync(problem);
                return;
            }

            received.Add(call);
            context.Response.StatusCode = Answer(call);
        });
    }

    /// <summary>This service's origin, the audience a VAPID token must name.</summary>
    public string Origin { get; }

    /// <summary>The PEM of the authority that signed this service's certificate.</summary>
    public string CaFile { get; }

    /// <summary>The status each valid request gets; 201 Created by default.</summary>
    public Func<PushCall, int> Answer { get; set; } = _ => StatusCodes.Status201Created;

    public IReadOnlyList<PushCall> Received => received.All;

    /// <summary>A subscription's address at this service.</summary>
    public string Endpoint(string id) => $"{Origin}/push/{id}";

    public static async Task<PushServiceStub> StartAsync()
    {
        var stub = new PushServiceStub(FreePort.Next());
        await stub.app.StartAsync();
        return stub;
    }

    public Task<PushCall> WaitForAsync(Func<PushCall, bool> match, TimeSpan timeout, string what) =>
        received.WaitForAsync(match, timeout, "at the push service " + what);

    /// <summary>The public key a request's VAPID header names (base64url), or null.</summary>
    public static string? VapidKey(PushCall call) =>
        call.Authorization.Split(',', StringSplitOptions.TrimEntries).Select(p => p.StartsWith("vapid ", StringComparison.Ordinal) ? p[6..] : p)
            .FirstOrDefault(p => p.StartsWith("k=", StringComparison.Ordinal))?[2..];

    /// <summary>What is wrong with a request's VAPID authorization (RFC 8292), or null when a push service would take it.</summary>
    private string? VapidProblem(PushCall call)
    {
        var parts = call.Authorization.StartsWith("vapid ", StringComparison.Ordinal)
            ? call.Authorization[6..].Split(',', StringSplitOptions.TrimEntries).ToDictionary(p => p.Split('=', 2)[0], p => p.Split('=', 2)[1])
            : null;
        if (parts is null || !parts.TryGetValue("t", out var token) || !parts.TryGetValue("k", out var publicKey))
        {
            return "no vapid authorization";
        }

        var point = Base64Url.DecodeFromChars(publicKey);
        using var key = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = point[1..33], Y = point[33..] } });
        var pieces = token.Split('.');
        if (pieces.Length != 3 || !key.VerifyData(Encoding.ASCII.GetBytes(pieces[0] + "." + pieces[1]), Base64Url.DecodeFromChars(pieces[2]), HashAlgorithmName.SHA256))
        {
            return "the vapid token's signature does not verify with its key";
        }

        using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(pieces[1]));
        var audience = claims.RootElement.GetProperty("aud").GetString();
        var expires = DateTimeOffset.FromUnixTimeSeconds(claims.RootElement.GetProperty("exp").GetInt64());
        var now = TimeProvider.System.GetUtcNow();
        // The sender's library names the origin without its port; RFC 8292 says the origin, which has the port when it
        // is not 443. Real push services are on 443, where the two agree, so either is taken here.
        if (audience != Origin && audience != "https://127.0.0.1")
        {
            return $"the vapid token is for {audience}, not {Origin}";
        }

        return expires < now || expires > now.AddHours(24) ? "the vapid token's expiry is not within 24 hours" : null;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        received.Dispose();
        Directory.Delete(folder, recursive: true);
    }
}
