using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Nightjar.Recorder.Notifications;

/// <summary>
/// Whether the TLS certificate of a server alerts go to is trusted: it names the server and chains to the system's
/// certificate authorities, or to those in a CA file when one is given (<c>Nightjar:Notifications:Mqtt:CaFile</c>, a home
/// broker's own CA; <c>Nightjar:Notifications:Push:CaFile</c>, a self-hosted push service's).
/// </summary>
public static class ServerCertificate
{
    public static bool Trusted(X509Certificate? certificate, SslPolicyErrors errors, string caFile)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true; // the system's authorities vouch for it
        }

        if (caFile.Length == 0 || certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        try
        {
            custom.ChainPolicy.CustomTrustStore.ImportFromPemFile(caFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            return false;
        }

        return custom.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }
}
