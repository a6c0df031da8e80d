using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using MimeKit.Cryptography;
using Nightjar.Recorder.Mail;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.OpenSsl;
using Xunit;

namespace Nightjar.Recorder.Tests.Mail;

public class DkimTests
{
    [Fact]
    public async Task EveryMessage_IsSigned_AndTheSignatureVerifiesWithThePublicKey()
    {
        using var rsa = RSA.Create(2048);
        var keyFile = Path.Combine(Path.GetTempPath(), $"nightjar-dkim-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(keyFile, rsa.ExportRSAPrivateKeyPem());
        try
        {
            var options = new MailOptions
            {
                From = "Nightjar Recorder <recorder@nvr.example.com>",
                Dkim = new DkimOptions { Domain = "nvr.example.com", Selector = "nightjar", PrivateKeyFile = keyFile },
            };
            Assert.True(new MailOptionsValidator().Validate(null, options).Succeeded);
            var composer = new MailComposer(new FixedOptionsMonitor<MailOptions>(options), new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56)));

            var message = composer.Compose(MailboxAddress.Parse("jane@example.com"), "Reset Password — Garage", "code K7Q2-9MZD", "<p>code K7Q2-9MZD</p>");

            // Round-trip through bytes, as the relay receives it.
            using var stream = new MemoryStream();
            await message.WriteToAsync(stream);
            stream.Position = 0;
            var received = await MimeMessage.LoadAsync(stream);
            var index = received.Headers.IndexOf(HeaderId.DkimSignature);
            Assert.True(index >= 0, "no DKIM-Signature header");
            var verifier = new DkimVerifier(new PublicKeyLocator(rsa.ExportSubjectPublicKeyInfoPem()));
            Assert.True(await verifier.VerifyAsync(received, received.Headers[index]));

            // An independent verifier (dkimpy, Debian's python3-dkim) with the selector's DNS record given to it.
            var publicKey = Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo());
            Assert.Equal("verified", await DkimpyAsync(stream.ToArray(), publicKey));

            received.Subject = "Tampered";
            Assert.False(await verifier.VerifyAsync(received, received.Headers[index]));
            using var tampered = new MemoryStream();
            await received.WriteToAsync(tampered);
            Assert.Equal("failed", await DkimpyAsync(tampered.ToArray(), publicKey));
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    /// <summary>Runs dkimpy's verify on the raw message, answering the DNS query for nightjar._domainkey.nvr.example.com.</summary>
    private static async Task<string> DkimpyAsync(byte[] rawMessage, string publicKeyBase64)
    {
        const string script = """
            import sys, dkim
            record = ("v=DKIM1; k=rsa; p=" + sys.argv[1]).encode()
            def dns(name, timeout=5):
                return record if name == b"nightjar._domainkey.nvr.example.com." else None
            print("verified" if dkim.verify(sys.stdin.buffer.read(), dnsfunc=dns) else "failed")
            """;
        var start = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(publicKeyBase64);
        using var python = System.Diagnostics.Process.Start(start)!;
        var output = python.StandardOutput.ReadToEndAsync();
        var error = python.StandardError.ReadToEndAsync();
        await python.StandardInput.BaseStream.WriteAsync(rawMessage);
        python.StandardInput.Close();
        await python.WaitForExitAsync();
        Assert.True(python.ExitCode == 0, "dkimpy failed: " + await error);
        return (await output).Trim();
    }

    private sealed class PublicKeyLocator(string pem) : DkimPublicKeyLocatorBase
    {
        private AsymmetricKeyParameter Key()
        {
            using var reader = new StringReader(pem);
            return (AsymmetricKeyParameter)new PemReader(reader).ReadObject();
        }

        public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            domain == "nvr.example.com" && selector == "nightjar" ? Key() : throw new InvalidOperationException("unknown key");

        public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            Task.FromResult(LocatePublicKey(methods, domain, selector, cancellationToken));
    }
}
