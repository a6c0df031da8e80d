using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Nightjar.Recorder.Cameras;
using Xunit;

namespace Nightjar.Recorder.Tests.Cameras;

/// <summary>
/// ffmpeg's RTSP reader does not check an rtsps camera's certificate, so the console says so plainly rather than let
/// "rtsps" pass for a checked camera. The test proves the claim with a TLS listener whose certificate nothing trusts.
/// </summary>
public sealed class RtspsCertificateTests
{
    [Fact]
    public async Task TestOfAnRtspsCamera_SaysItsCertificateIsNotChecked_BecauseAnUntrustedOneIsAccepted()
    {
        using var impostor = new UntrustedTlsListener();
        await using var harness = await CameraHarness.StartAsync();

        var test = await harness.Catalog.TestAsync(null,
            new CameraForm("Porch", $"rtsps://127.0.0.1:{impostor.Port}/stream1", "", "camuser", "CamSecret-77"), CancellationToken.None);

        // The handshake with a certificate no one signed went through, and the RTSP request followed it.
        Assert.StartsWith("OPTIONS rtsps://127.0.0.1:", await impostor.FirstRequest.WaitAsync(TimeSpan.FromSeconds(10)), StringComparison.Ordinal);
        Assert.NotNull(test.Text);
        Assert.EndsWith(CameraUrl.CertificateNotChecked, test.Text, StringComparison.Ordinal);
        Assert.True(CameraUrl.CertificateIsNotChecked($"rtsps://127.0.0.1:{impostor.Port}/stream1"));
    }

    [Fact]
    public async Task TestOfAnRtspCamera_SaysNothingOfCertificates()
    {
        await using var harness = await CameraHarness.StartAsync();

        var test = await harness.Catalog.TestAsync(null, new CameraForm("Porch", "rtsp://127.0.0.1:1/stream1", "", "", ""), CancellationToken.None);

        Assert.Equal("Test failed: camera unreachable", test.Text);
        Assert.False(CameraUrl.CertificateIsNotChecked("rtsp://127.0.0.1:1/stream1"));
    }

    /// <summary>A TLS listener on loopback with a fresh self-signed certificate; keeps the first line sent after the handshake.</summary>
    private sealed class UntrustedTlsListener : IDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly X509Certificate2 certificate;
        private readonly TaskCompletionSource<string> firstRequest = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public UntrustedTlsListener()
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=impostor", key, HashAlgorithmName.SHA256);
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
            using var made = request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddDays(1));
            certificate = X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), null);
            listener.Start();
            _ = AcceptAsync();
        }

        public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

        public Task<string> FirstRequest => firstRequest.Task;

        public void Dispose()
        {
            listener.Stop();
            certificate.Dispose();
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    using var client = await listener.AcceptTcpClientAsync();
                    await using var tls = new SslStream(client.GetStream());
                    await tls.AuthenticateAsServerAsync(certificate);
                    var buffer = new byte[512];
                    var read = await tls.ReadAsync(buffer);
                    var text = Encoding.ASCII.GetString(buffer, 0, read);
                    firstRequest.TrySetResult(text.Split("\r\n")[0]);
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException or System.Security.Authentication.AuthenticationException)
            {
                firstRequest.TrySetException(ex);
            }
        }
    }
}
