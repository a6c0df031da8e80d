using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Nightjar.Recorder.Hosting;

/// <summary>
/// The owner's own certificate for the API listener (<c>Nightjar:Api:Certificate:Path</c>, <c>KeyPath</c>), served only
/// to a connection that asks for one of its names (TLS SNI), so that a browser opening the box by that name trusts it
/// (and installs the web app), while every paired app, which connects by address, keeps getting the box's own
/// certificate and its pin. The files are read again when they change (a renewal), checked at each handshake; a file
/// that cannot be read keeps the certificate served before it, and says why in the log.
/// </summary>
public sealed class OwnerCertificate : IDisposable
{
    private readonly string certificatePath;
    private readonly string keyPath;
    private readonly Lock gate = new();
    private ILogger logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    private (DateTime Certificate, DateTime Key, long Length) seen;
    private Loaded? current;

    private OwnerCertificate(string certificatePath, string keyPath)
    {
        this.certificatePath = certificatePath;
        this.keyPath = keyPath;
    }

    /// <summary>Null when no owner's certificate is configured.</summary>
    public static OwnerCertificate? From(ApiListenerOptions options) =>
        string.IsNullOrWhiteSpace(options.Certificate.Path)
            ? null
            : new OwnerCertificate(Path.GetFullPath(options.Certificate.Path), Path.GetFullPath(options.Certificate.KeyPath));

    /// <summary>Reads the files once the host's log is there, so that what is wrong with them is said at start.</summary>
    public void Load(ILogger log)
    {
        logger = log;
        Refresh();
    }

    /// <summary>The owner's certificate and its chain when <paramref name="serverName"/> (SNI) is one of its names; else null.</summary>
    public SslStreamCertificateContext? For(string? serverName)
    {
        if (string.IsNullOrEmpty(serverName))
        {
            return null;
        }

        Refresh();
        var loaded = current;
        return loaded is not null && loaded.Names.Any(name => Matches(name, serverName)) ? loaded.Context : null;
    }

    public void Dispose()
    {
        lock (gate)
        {
            current?.Certificate.Dispose();
            current = null;
        }
    }

    /// <summary>Reads the files again if either changed since they were last read.</summary>
    private void Refresh()
    {
        lock (gate)
        {
            (DateTime, DateTime, long) now;
            try
            {
                now = (File.GetLastWriteTimeUtc(certificatePath), File.GetLastWriteTimeUtc(keyPath), new FileInfo(certificatePath).Length);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return;
            }

            if (now == seen)
            {
                return;
            }

            seen = now;
            try
            {
                var certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
                var names = Names(certificate);
                if (names.Count == 0)
                {
                    certificate.Dispose();
                    logger.LogWarning("The certificate in {Path} names no host (no DNS name among its subject alternative names); the box's own is served.", certificatePath);
                    return;
                }

                // The chain after the certificate in the same file (a "fullchain.pem") goes to the browser with it.
                var chain = new X509Certificate2Collection();
                chain.ImportFromPemFile(certificatePath);
                var intermediates = new X509Certificate2Collection(chain.Where(c => c.Thumbprint != certificate.Thumbprint).ToArray());
                var previous = current;
                current = new Loaded(certificate, SslStreamCertificateContext.Create(certificate, intermediates, offline: true), names);
                previous?.Certificate.Dispose();
                logger.LogInformation("Serving the certificate in {Path} to browsers that ask for {Names}.", certificatePath, string.Join(", ", names));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
            {
                logger.LogWarning("The certificate in {Path} with the key in {KeyPath} could not be read ({Reason}); {Kept}.", certificatePath, keyPath, e.Message,
                    current is null ? "the box's own is served" : "the one read before is still served");
            }
        }
    }

    private static List<string> Names(X509Certificate2 certificate)
    {
        var names = new List<string>();
        foreach (var extension in certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>())
        {
            names.AddRange(extension.EnumerateDnsNames());
        }

        return names;
    }

    /// <summary>An exact name, or a wildcard's one leftmost label (<c>*.home.example</c> matches <c>nvr.home.example</c>).</summary>
    private static bool Matches(string name, string serverName)
    {
        if (name.StartsWith("*.", StringComparison.Ordinal))
        {
            var dot = serverName.IndexOf('.', StringComparison.Ordinal);
            return dot > 0 && string.Equals(serverName[(dot + 1)..], name[2..], StringComparison.OrdinalIgnoreCase);
        }

        return string.Equals(name, serverName, StringComparison.OrdinalIgnoreCase);
    }

    private sealed record Loaded(X509Certificate2 Certificate, SslStreamCertificateContext Context, List<string> Names);
}
