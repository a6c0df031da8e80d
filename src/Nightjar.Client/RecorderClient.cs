using System.Net;
using System.Net.Http.Json;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text.Json;
using Nightjar.Contracts;

namespace Nightjar.Client;

/// <summary>
/// Talks to one recorder over TLS, trusting exactly the certificate whose SHA-256 was in the pairing URI (the
/// recorder's certificate is self-signed, so pinning replaces the CA check; any other certificate is refused).
/// Every call answers a <see cref="ClientResult{T}"/> instead of throwing for the outcomes an app must handle.
/// It never retries a sign-in by itself.
/// </summary>
public sealed class RecorderClient : IDisposable
{
    private readonly HttpClient http;
    private readonly byte[] pinned;
    private string? presentedFingerprint;

    public RecorderClient(PairingUri pairing, string? token = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(pairing);
        pinned = Convert.FromHexString(pairing.Sha256Fingerprint);
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = timeout ?? TimeSpan.FromSeconds(5),
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    if (certificate is null)
                    {
                        return false;
                    }

                    var presented = SHA256.HashData(certificate.GetRawCertData());
                    if (CryptographicOperations.FixedTimeEquals(presented, pinned))
                    {
                        return true;
                    }

                    presentedFingerprint = Convert.ToHexStringLower(presented);
                    return false;
                },
            },
        };
        http = new HttpClient(handler) { BaseAddress = new Uri($"https://{pairing.Authority}"), Timeout = timeout ?? TimeSpan.FromSeconds(10) };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
    }

    public Task<ClientResult<SessionResponse>> SignInAsync(string userName, string password, string clientName, CancellationToken cancellationToken = default) =>
        SendAsync<SessionResponse>(() => http.PostAsJsonAsync("/api/v1/sessions", new SessionRequest(userName, password, clientName), cancellationToken), cancellationToken);

    public Task<ClientResult<DeviceInfo>> GetDeviceAsync(CancellationToken cancellationToken = default) =>
        SendAsync<DeviceInfo>(() => http.GetAsync("/api/v1/device", cancellationToken), cancellationToken);

    public Task<ClientResult<bool>> SignOutAsync(CancellationToken cancellationToken = default) =>
        SendAsync<bool>(() => http.DeleteAsync("/api/v1/sessions/current", cancellationToken), cancellationToken);

    private async Task<ClientResult<T>> SendAsync<T>(Func<Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await send();
        }
        catch (HttpRequestException ex) when (presentedFingerprint is not null || ex.InnerException is AuthenticationException)
        {
            return new(ClientStatus.CertificateMismatch, default,
                $"Certificate mismatch: the recorder presented a certificate (sha256:{presentedFingerprint}) other than the one paired. Someone may be intercepting the connection; the app did not send anything.");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new(ClientStatus.Unreachable, default, "The recorder did not answer: " + ex.Message);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return typeof(T) == typeof(bool)
                    ? new(ClientStatus.Ok, (T)(object)true, "")
                    : await response.Content.ReadFromJsonAsync<T>(cancellationToken) is { } value
                        ? new(ClientStatus.Ok, value, "")
                        : new(ClientStatus.Failed, default, "The recorder sent an empty answer.");
            }

            return await ProblemAsync<T>(response, cancellationToken);
        }
    }

    private static async Task<ClientResult<T>> ProblemAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string? type = null;
        string? detail = null;
        DateTimeOffset? changedAt = null;
        try
        {
            using var problem = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            var root = problem.RootElement;
            type = root.TryGetProperty("type", out var t) ? t.GetString() : null;
            detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
            changedAt = root.TryGetProperty(ProblemTypes.ChangedAtMember, out var c) && c.TryGetDateTimeOffset(out var when) ? when : null;
        }
        catch (JsonException)
        {
            // Not a problem document; the status code still says enough.
        }

        var retryAfter = response.Headers.RetryAfter?.Delta;
        return type switch
        {
            ProblemTypes.CredentialsChanged => new(ClientStatus.PasswordChanged, default, detail ?? "The recorder's password was changed.", changedAt),
            ProblemTypes.WrongCredentials => new(ClientStatus.WrongPassword, default, "Wrong user name or password."),
            ProblemTypes.InvalidToken => new(ClientStatus.SignedOut, default, "This app is signed out of the recorder."),
            ProblemTypes.TooManyAttempts or ProblemTypes.Busy => new(ClientStatus.RateLimited, default, detail ?? "Try again later.", RetryAfter: retryAfter),
            _ => response.StatusCode == HttpStatusCode.TooManyRequests
                ? new(ClientStatus.RateLimited, default, "Try again later.", RetryAfter: retryAfter)
                : new(ClientStatus.Failed, default, $"The recorder answered {(int)response.StatusCode}: {detail ?? response.ReasonPhrase}"),
        };
    }

    public void Dispose() => http.Dispose();
}
