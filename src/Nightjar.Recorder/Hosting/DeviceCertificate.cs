using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Nightjar.Recorder.Hosting;

/// <summary>
/// The device's self-signed TLS certificate for the API listener, made at first start and kept in the data
/// folder. Apps pin its SHA-256 fingerprint at pairing, so it must stay the same across restarts.
/// </summary>
public sealed class DeviceCertificate : IDisposable
{
    private DeviceCertificate(X509Certificate2 certificate) => Certificate = certificate;

    public X509Certificate2 Certificate { get; }

    /// <summary>Lower-case hex SHA-256 of the DER certificate, as written in the pairing URI.</summary>
    public string Sha256Fingerprint => Convert.ToHexStringLower(SHA256.HashData(Certificate.RawData));

    public static DeviceCertificate LoadOrCreate(string dataDir, TimeProvider clock)
    {
        var folder = Path.Combine(dataDir, "tls");
        var path = Path.Combine(folder, "api-certificate.pfx");
        DataFolder.CreatePrivate(folder);
        if (!File.Exists(path))
        {
            var pfx = Create(clock.GetUtcNow());
            DataFolder.WritePrivateAtomically(path, pfx);
        }

        Recording.Storage.OwnerOnly.ExistingFile(path);

        return new DeviceCertificate(X509CertificateLoader.LoadPkcs12FromFile(path, password: null));
    }

    /// <summary>Each host loads its own copy; an in-process reboot must release the old one's native key handle.</summary>
    public void Dispose() => Certificate.Dispose();

    private static byte[] Create(DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Nightjar Recorder", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddDnsName(Environment.MachineName);
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));

        // Apps trust it by fingerprint, not by expiry; a long life avoids a forced re-pair of every app.
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(25));
        return certificate.Export(X509ContentType.Pkcs12);
    }
}
