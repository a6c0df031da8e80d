using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Nightjar.Recorder.Hosting;

namespace Nightjar.Recorder.Security;

/// <summary>
/// Encrypts the secrets the recorder must use again (camera passwords, the MQTT broker's password, the webhook's
/// secret) at rest with AES-256-GCM under a device key kept in its own file (<c>keys/camera-passwords.key</c>, 0600,
/// named for its first use), not in the database: a copy of <c>nightjar.db</c> alone (a backup, a support bundle)
/// does not reveal them. Each secret is bound to its purpose ("camera password cam-x7k2m9"), so ciphertexts cannot be
/// swapped between places.
/// </summary>
public sealed class SecretProtector(IOptions<RecorderOptions> options)
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly Lazy<byte[]> key = new(() => LoadOrCreateKey(options.Value.DataDirFullPath));

    public byte[] Protect(string purpose, string password)
    {
        var plain = Encoding.UTF8.GetBytes(password);
        var sealedBox = new byte[1 + NonceSize + plain.Length + TagSize];
        sealedBox[0] = Version;
        var nonce = sealedBox.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key.Value, TagSize);
        aes.Encrypt(nonce, plain, sealedBox.AsSpan(1 + NonceSize, plain.Length), sealedBox.AsSpan(1 + NonceSize + plain.Length), Context(purpose));
        CryptographicOperations.ZeroMemory(plain);
        return sealedBox;
    }

    /// <summary>The password, or null when the blob was not made with this device's key (the key file was lost or replaced).</summary>
    public string? Unprotect(string purpose, byte[] sealedBox)
    {
        if (sealedBox.Length < 1 + NonceSize + TagSize || sealedBox[0] != Version)
        {
            return null;
        }

        var length = sealedBox.Length - 1 - NonceSize - TagSize;
        var plain = new byte[length];
        try
        {
            using var aes = new AesGcm(key.Value, TagSize);
            aes.Decrypt(sealedBox.AsSpan(1, NonceSize), sealedBox.AsSpan(1 + NonceSize, length), sealedBox.AsSpan(1 + NonceSize + length), plain, Context(purpose));
            return Encoding.UTF8.GetString(plain);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    private static byte[] Context(string purpose) => Encoding.UTF8.GetBytes("nightjar " + purpose);

    private static byte[] LoadOrCreateKey(string dataDir)
    {
        var folder = Path.Combine(dataDir, "keys");
        DataFolder.CreatePrivate(folder);
        var path = Path.Combine(folder, "camera-passwords.key");
        Recording.Storage.OwnerOnly.ExistingFile(path);
        if (File.Exists(path))
        {
            var existing = File.ReadAllBytes(path);
            if (existing.Length == 32)
            {
                return existing;
            }

            throw new CryptographicException($"{path} is not a camera password key (32 bytes); restore it from a backup or delete it and type the camera passwords again.");
        }

        var created = RandomNumberGenerator.GetBytes(32);
        DataFolder.WritePrivateAtomically(path, created);
        return created;
    }
}
