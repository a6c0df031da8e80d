using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Nightjar.Recorder.Hosting;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Hosting;

/// <summary>
/// The owner's own certificate on the real API listener: served with its chain to a connection that asks for its name
/// (SNI), the box's own to every other (apps connect by address and pin it), a renewal served from the next connection,
/// and a broken file never taking the listener down.
/// </summary>
public sealed class OwnerCertificateTests : IAsyncLifetime
{
    private const string Name = "nvr.home.test";
    private readonly string folder = Path.Combine(Path.GetTempPath(), "nightjar-owner-cert-" + Guid.NewGuid().ToString("N"));
    private readonly X509Certificate2 root;
    private readonly X509Certificate2 intermediate;
    private readonly ECDsa intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private TestRecorder recorder = null!;

    public OwnerCertificateTests()
    {
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        root = Authority("CN=Home Root", rootKey).CreateSelfSigned(TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddYears(1));
        intermediate = Authority("CN=Home Intermediate", intermediateKey)
            .Create(root, TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddMonths(6), [1, 2, 3]).CopyWithPrivateKey(intermediateKey);
    }

    private string CertificatePath => Path.Combine(folder, "fullchain.pem");

    private string KeyPath => Path.Combine(folder, "privkey.pem");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(folder);
        WriteLeaf();
        recorder = await TestRecorder.StartAsync($"--Nightjar:Api:Certificate:Path={CertificatePath}", $"--Nightjar:Api:Certificate:KeyPath={KeyPath}");
    }

    public async Task DisposeAsync()
    {
        await recorder.DisposeAsync();
        Directory.Delete(folder, recursive: true);
        root.Dispose();
        intermediate.Dispose();
        intermediateKey.Dispose();
    }

    private static CertificateRequest Authority(string subject, ECDsa key)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request;
    }

    /// <summary>A certificate for <see cref="Name"/> from the intermediate, written as a full chain and its key, as certbot does.</summary>
    private string WriteLeaf()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + Name, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(Name);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var leaf = request.Create(intermediate, TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddDays(90), RandomNumberGenerator.GetBytes(8));
        File.WriteAllText(CertificatePath, leaf.ExportCertificatePem() + "\n" + intermediate.ExportCertificatePem() + "\n");
        File.WriteAllText(KeyPath, key.ExportPkcs8PrivateKeyPem());
        return leaf.Thumbprint;
    }

    /// <summary>A TLS handshake with the API listener asking for <paramref name="serverName"/>: the certificate served, and whether it chains to the home root.</summary>
    private async Task<(string Thumbprint, bool TrustedByTheHomeRoot)> HandshakeAsync(string serverName)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", recorder.ApiUrl.Port);
        var trusted = false;
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, certificate, chain, errors) =>
        {
            trusted = errors == SslPolicyErrors.None;
            return certificate is not null;
        });
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = serverName,
            // Only the root is trusted: the intermediate must come from the recorder, as a browser needs it to.
            CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                CustomTrustStore = { root },
                RevocationMode = X509RevocationMode.NoCheck,
            },
        });
        return (tls.RemoteCertificate!.GetCertHashString(), trusted);
    }

    private string BoxThumbprint => recorder.Get<DeviceCertificate>().Certificate.Thumbprint;

    [Fact]
    public async Task ABrowserAskingForTheOwnersName_GetsTheOwnersCertificate_WithItsChain()
    {
        using var leafCertificate = X509Certificate2.CreateFromPem(File.ReadAllText(CertificatePath));
        var leaf = leafCertificate.Thumbprint;

        var (served, trusted) = await HandshakeAsync(Name.ToUpperInvariant());

        Assert.Equal(leaf, served);
        Assert.True(trusted, "The served certificate does not chain to the home root: the intermediate was not sent.");
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("other.home.test")]
    [InlineData("localhost")]
    public async Task AnAppConnectingByAddress_OrAnyOtherName_GetsTheBoxsOwnCertificate(string serverName)
    {
        var (served, _) = await HandshakeAsync(serverName);

        Assert.Equal(BoxThumbprint, served);
    }

    [Fact]
    public async Task ARenewedCertificate_IsServedFromTheNextConnection_AndABrokenFileKeepsTheOneBefore()
    {
        var renewed = WriteLeaf();
        Assert.Equal(renewed, (await HandshakeAsync(Name)).Thumbprint);

        File.WriteAllText(CertificatePath, "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n");
        Assert.Equal(renewed, (await HandshakeAsync(Name)).Thumbprint);
        Assert.Equal(BoxThumbprint, (await HandshakeAsync("127.0.0.1")).Thumbprint);
        using var api = recorder.CreateApiClient();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await api.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public void APathWithoutItsKey_IsRefused_NamingBothKeys()
    {
        var result = new RecorderOptionsValidator().Validate(null, new RecorderOptions
        {
            Api = new ApiListenerOptions { Certificate = new ApiListenerOptions.CertificateFiles { Path = CertificatePath } },
        });

        Assert.True(result.Failed);
        Assert.Contains("Nightjar:Api:Certificate:KeyPath", result.FailureMessage, StringComparison.Ordinal);
    }
}
