using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Nightjar.Recorder.Hosting;

namespace Nightjar.Recorder.WebPush;

/// <summary>
/// The recorder's VAPID key pair (RFC 8292), which push services know its alerts by: a P-256 key made at the first
/// start and kept in <c>keys/web-push.key</c> (0600, PKCS#8) beside the other device keys. Browsers subscribe with its
/// public half; a new key would end every subscription, so it is never replaced on its own.
/// </summary>
public sealed class WebPushKeys(IOptions<RecorderOptions> options)
{
    private readonly Lazy<(string Public, string Private)> keys = new(() => LoadOrCreate(options.Value.DataDirFullPath));

    /// <summary>The public key as browsers take it (<c>applicationServerKey</c>): the uncompressed point, base64url.</summary>
    public string PublicKey => keys.Value.Public;

    /// <summary>The private scalar, base64url, as the VAPID signer takes it.</summary>
    public string PrivateKey => keys.Value.Private;

    /// <summary>Makes the key now if there is none, so it exists from the first start on.</summary>
    public void Ensure() => _ = keys.Value;

    private static (string Public, string Private) LoadOrCreate(string dataDir)
    {
        var folder = Path.Combine(dataDir, "keys");
        DataFolder.CreatePrivate(folder);
        var path = Path.Combine(folder, "web-push.key");
        Recording.Storage.OwnerOnly.ExistingFile(path);
        using var key = ECDsa.Create();
        if (File.Exists(path))
        {
            try
            {
                key.ImportPkcs8PrivateKey(File.ReadAllBytes(path), out _);
            }
            catch (CryptographicException ex)
            {
                throw new CryptographicException($"{path} is not a Web Push key; restore it from a backup, or delete it (every browser then has to turn alerts on again).", ex);
            }

            if (key.ExportParameters(includePrivateParameters: false).Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
            {
                throw new CryptographicException($"{path} is not a P-256 key; restore it from a backup, or delete it (every browser then has to turn alerts on again).");
            }
        }
        else
        {
            key.GenerateKey(ECCurve.NamedCurves.nistP256);
            DataFolder.WritePrivateAtomically(path, key.ExportPkcs8PrivateKey());
        }

        var parameters = key.ExportParameters(includePrivateParameters: true);
        try
        {
            byte[] point = [0x04, .. parameters.Q.X!, .. parameters.Q.Y!];
            return (Base64Url.EncodeToString(point), Base64Url.EncodeToString(parameters.D));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(parameters.D);
        }
    }
}
