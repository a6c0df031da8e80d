using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Nightjar.TestSupport;

/// <summary>
/// A browser's side of Web Push, for a test: the P-256 key pair and authentication secret a browser makes when it
/// subscribes, and the decryption of what the recorder sends it (RFC 8291 on RFC 8188's aes128gcm), written from the
/// RFCs so that a recorder that encrypts wrongly cannot pass.
/// </summary>
public sealed class PushSubscriber : IDisposable
{
    private readonly ECDiffieHellman key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
    private readonly byte[] authSecret = RandomNumberGenerator.GetBytes(16);

    /// <summary>The browser's public key as <c>keys.p256dh</c> carries it.</summary>
    public string P256dh => Base64Url.EncodeToString(PublicPoint(key));

    /// <summary>The authentication secret as <c>keys.auth</c> carries it.</summary>
    public string Auth => Base64Url.EncodeToString(authSecret);

    /// <summary>The plain text of an aes128gcm body sent to this subscriber; throws when it was not encrypted for it.</summary>
    public string Decrypt(byte[] body)
    {
        // RFC 8188 header: salt (16), record size (4), key id length (1), key id (the sender's public key, 65).
        var salt = body[..16];
        var recordSize = BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(16, 4));
        int idLength = body[20];
        if (idLength != 65)
        {
            throw new CryptographicException($"The key id is {idLength} bytes, not the sender's 65-byte public key (RFC 8291 §4).");
        }

        var senderPoint = body[21..(21 + idLength)];
        var records = body[(21 + idLength)..];
        if (records.Length > recordSize)
        {
            throw new CryptographicException("More than one record: a push message fits in one.");
        }

        using var sender = ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = senderPoint[1..33], Y = senderPoint[33..] },
        });
        var shared = key.DeriveRawSecretAgreement(sender.PublicKey);

        // RFC 8291 §3.4: the input keying material from the shared secret and both public keys, then RFC 8188's key and nonce.
        var keyInfo = Concat(Encoding.ASCII.GetBytes("WebPush: info\0"), PublicPoint(key), senderPoint);
        var ikm = HKDF.Expand(HashAlgorithmName.SHA256, HKDF.Extract(HashAlgorithmName.SHA256, shared, authSecret), 32, keyInfo);
        var prk = HKDF.Extract(HashAlgorithmName.SHA256, ikm, salt);
        var contentKey = HKDF.Expand(HashAlgorithmName.SHA256, prk, 16, Encoding.ASCII.GetBytes("Content-Encoding: aes128gcm\0"));
        var nonce = HKDF.Expand(HashAlgorithmName.SHA256, prk, 12, Encoding.ASCII.GetBytes("Content-Encoding: nonce\0"));

        var plain = new byte[records.Length - 16];
        using (var aes = new AesGcm(contentKey, 16))
        {
            aes.Decrypt(nonce, records.AsSpan(0, plain.Length), records.AsSpan(plain.Length), plain);
        }

        // The last record ends with the delimiter 2, then any padding of zeros.
        var end = plain.Length - 1;
        while (end >= 0 && plain[end] == 0)
        {
            end--;
        }

        if (end < 0 || plain[end] != 2)
        {
            throw new CryptographicException("The record does not end with the last record's delimiter (RFC 8188 §2).");
        }

        return Encoding.UTF8.GetString(plain, 0, end);
    }

    private static byte[] PublicPoint(ECDiffieHellman key)
    {
        var q = key.ExportParameters(false).Q;
        return [0x04, .. q.X!, .. q.Y!];
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    public void Dispose() => key.Dispose();
}
