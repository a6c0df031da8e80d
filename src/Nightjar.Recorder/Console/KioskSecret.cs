using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Nightjar.Recorder.Hosting;

namespace Nightjar.Recorder.Console;

/// <summary>
/// What tells the box's own screen from any other program on the box: a random secret in <c>keys/kiosk-secret</c>
/// (0600, the recorder's user), which only the kiosk's launcher is given (systemd's <c>LoadCredential=</c> in
/// <c>deploy/nightjar-kiosk.service</c>). The launcher's page posts it once to <c>/console/kiosk</c>, which answers
/// with an HttpOnly, SameSite=Strict cookie; while <c>Nightjar:Console:LiveViewWhileLocked</c> is on, that cookie is
/// what lets a locked console show live video. The cookie holds an HMAC of the secret, not the secret, and stays good
/// for as long as the file does (across restarts of the host and of the process), so a reboot never blanks the screen.
/// </summary>
public sealed class KioskSecret
{
    public const string FileName = "kiosk-secret";
    public const string CookieName = "nightjar.kiosk";

    /// <summary>Fewer characters than 32 bytes in base64url is not a secret we made: such a file is replaced.</summary>
    private const int MinimumLength = 43;

    /// <summary>A wrong secret is audited and logged at most this often, so a program trying again and again cannot flood the log.</summary>
    private static readonly TimeSpan RefusalReportInterval = TimeSpan.FromMinutes(1);

    private readonly byte[] secret;
    private readonly byte[] cookie;
    private readonly object gate = new();
    private DateTimeOffset? lastRefusalReported;
    private int refusalsSinceReport;

    private KioskSecret(string secret)
    {
        this.secret = Encoding.ASCII.GetBytes(secret);
        cookie = Encoding.ASCII.GetBytes(Base64Url.EncodeToString(HMACSHA256.HashData(this.secret, "nightjar kiosk cookie"u8)));
    }

    /// <summary>The value of the kiosk cookie (an HMAC of the secret).</summary>
    public string CookieValue => Encoding.ASCII.GetString(cookie);

    /// <summary>
    /// Reads <c>keys/kiosk-secret</c> in the data folder, or makes it (32 random bytes as base64url text, 0600) when it
    /// is missing or not one of ours. Made at start, so the kiosk's unit finds it before the first page loads.
    /// </summary>
    public static KioskSecret LoadOrCreate(string dataDir)
    {
        var folder = Path.Combine(dataDir, "keys");
        DataFolder.CreatePrivate(folder);
        var path = Path.Combine(folder, FileName);
        Recording.Storage.OwnerOnly.ExistingFile(path);
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: >= MinimumLength } existing && existing.All(IsBase64Url))
        {
            return new KioskSecret(existing);
        }

        var created = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        DataFolder.WritePrivateAtomically(path, Encoding.ASCII.GetBytes(created));
        return new KioskSecret(created);
    }

    /// <summary>Whether <paramref name="presented"/> is the secret, compared in constant time.</summary>
    public bool Matches(string? presented) => Equal(presented, secret);

    /// <summary>Whether the request carries the kiosk cookie.</summary>
    public bool Admits(HttpRequest request) => Equal(request.Cookies[CookieName], cookie);

    /// <summary>
    /// Counts a wrong secret; the number refused since the last report when this one is to be audited and logged,
    /// else null (at most one report a minute).
    /// </summary>
    public int? CountRefusal(DateTimeOffset now)
    {
        lock (gate)
        {
            refusalsSinceReport++;
            if (lastRefusalReported is { } last && now - last < RefusalReportInterval)
            {
                return null;
            }

            lastRefusalReported = now;
            var count = refusalsSinceReport;
            refusalsSinceReport = 0;
            return count;
        }
    }

    private static bool Equal(string? presented, byte[] expected)
    {
        if (string.IsNullOrEmpty(presented) || presented.Length > 256)
        {
            return false;
        }

        // FixedTimeEquals answers a different length at once; the length is no secret (43 characters).
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), expected);
    }

    private static bool IsBase64Url(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';
}
