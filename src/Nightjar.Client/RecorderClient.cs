using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
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
    /// <summary>The close status the recorder ends a live stream with when the password changed.</summary>
    public const int PasswordChangedCloseStatus = 4001;

    private readonly HttpClient http;
    private readonly byte[] pinned;
    private readonly string? token;
    private readonly Uri baseAddress;
    private string? presentedFingerprint;

    public RecorderClient(PairingUri pairing, string? token = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(pairing);
        pinned = Convert.FromHexString(pairing.Sha256Fingerprint);
        this.token = token;
        baseAddress = new Uri($"https://{pairing.Authority}");
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = timeout ?? TimeSpan.FromSeconds(5),
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => IsPinned(certificate) },
        };
        // The timeout covers a request until its answer's headers; a long video is read after that, as fast as it comes.
        http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(10) };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
    }

    public Task<ClientResult<SessionResponse>> SignInAsync(string userName, string password, string clientName, string? deviceCookie = null, CancellationToken cancellationToken = default) =>
        SendAsync<SessionResponse>(() => http.PostAsJsonAsync("/api/v1/sessions", new SessionRequest(userName, password, clientName, deviceCookie), cancellationToken), cancellationToken);

    public Task<ClientResult<DeviceInfo>> GetDeviceAsync(CancellationToken cancellationToken = default) =>
        SendAsync<DeviceInfo>(() => http.GetAsync("/api/v1/device", cancellationToken), cancellationToken);

    public Task<ClientResult<bool>> SignOutAsync(CancellationToken cancellationToken = default) =>
        SendAsync<bool>(() => http.DeleteAsync("/api/v1/sessions/current", cancellationToken), cancellationToken);

    public Task<ClientResult<IReadOnlyList<CameraInfo>>> GetCamerasAsync(CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<CameraInfo>>(() => http.GetAsync("/api/v1/cameras", cancellationToken), cancellationToken);

    public Task<ClientResult<RecordingsResponse>> GetRecordingsAsync(string cameraId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        SendAsync<RecordingsResponse>(() => http.GetAsync($"/api/v1/cameras/{Uri.EscapeDataString(cameraId)}/recordings?from={Time(from)}&to={Time(to)}", cancellationToken), cancellationToken);

    /// <summary>The camera's latest picture as JPEG bytes.</summary>
    public Task<ClientResult<byte[]>> GetSnapshotAsync(string cameraId, CancellationToken cancellationToken = default) =>
        SendAsync(() => http.GetAsync($"/api/v1/cameras/{Uri.EscapeDataString(cameraId)}/snapshot.jpg", cancellationToken),
            (response, token) => response.Content.ReadAsByteArrayAsync(token), cancellationToken);

    /// <summary>Writes one MP4 of [<paramref name="from"/>, <paramref name="to"/>) of the camera's main stream into <paramref name="destination"/>; the value is the bytes written.</summary>
    public Task<ClientResult<long>> DownloadVideoAsync(string cameraId, DateTimeOffset from, DateTimeOffset to, Stream destination, CancellationToken cancellationToken = default) =>
        DownloadAsync($"/api/v1/cameras/{Uri.EscapeDataString(cameraId)}/video.mp4?from={Time(from)}&to={Time(to)}", destination, cancellationToken);

    /// <summary>Events newest first: of one camera or all, starting in [<paramref name="from"/>, <paramref name="to"/>) when given, at most <paramref name="limit"/>.</summary>
    public Task<ClientResult<IReadOnlyList<EventInfo>>> GetEventsAsync(string? cameraId = null, DateTimeOffset? from = null, DateTimeOffset? to = null,
        int limit = 100, CancellationToken cancellationToken = default)
    {
        var query = new List<string> { "limit=" + limit.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (cameraId is not null)
        {
            query.Add("camera=" + Uri.EscapeDataString(cameraId));
        }

        if (from is { } start)
        {
            query.Add("from=" + Time(start));
        }

        if (to is { } end)
        {
            query.Add("to=" + Time(end));
        }

        return SendAsync<IReadOnlyList<EventInfo>>(() => http.GetAsync("/api/v1/events?" + string.Join('&', query), cancellationToken), cancellationToken);
    }

    /// <summary>Writes an event's clip (its camera from 5 s before it to 5 s after) into <paramref name="destination"/>; the value is the bytes written.</summary>
    public Task<ClientResult<long>> DownloadEventClipAsync(long eventId, Stream destination, CancellationToken cancellationToken = default) =>
        DownloadAsync($"/api/v1/events/{eventId.ToString(System.Globalization.CultureInfo.InvariantCulture)}/clip.mp4", destination, cancellationToken);

    /// <summary>Keeps an event from retention, or stops keeping it. Refused (Failed, with the reason) past the kept events' share of the space.</summary>
    public Task<ClientResult<bool>> KeepEventAsync(long eventId, bool keep, CancellationToken cancellationToken = default)
    {
        var path = $"/api/v1/events/{eventId.ToString(System.Globalization.CultureInfo.InvariantCulture)}/keep";
        return SendAsync(() => keep ? http.PostAsync(path, null, cancellationToken) : http.DeleteAsync(path, cancellationToken),
            (_, _) => Task.FromResult(true), cancellationToken);
    }

    /// <summary>
    /// Follows the recorder's events as they happen (the live events WebSocket): <paramref name="onMessage"/> gets each
    /// event start and end and each health message, until <paramref name="cancellationToken"/> ends it, the recorder
    /// closes the socket, or the password changes (then <see cref="ClientStatus.PasswordChanged"/>).
    /// </summary>
    public async Task<ClientResult<long>> FollowEventsAsync(Func<EventMessage, Task> onMessage, CancellationToken cancellationToken = default)
    {
        using var socket = new ClientWebSocket();
        var connected = await ConnectAsync(socket, "/api/v1/events/live", "", cancellationToken);
        if (connected is not null)
        {
            return connected;
        }

        long messages = 0;
        var message = new MemoryStream();
        var buffer = new byte[1 << 14];
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, cancellationToken);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return (int?)socket.CloseStatus == PasswordChangedCloseStatus
                        ? new(ClientStatus.PasswordChanged, messages, "The recorder's password was changed; following events ended.")
                        : new(ClientStatus.Ok, messages, socket.CloseStatusDescription ?? "The recorder closed the events feed.");
                }

                if (message.Length + received.Count > 1 << 20)
                {
                    return new(ClientStatus.Failed, messages, "The recorder sent a message larger than any event.");
                }

                message.Write(buffer, 0, received.Count);
                if (received.EndOfMessage)
                {
                    var parsed = System.Text.Json.JsonSerializer.Deserialize<EventMessage>(message.ToArray(), Json);
                    message.SetLength(0);
                    if (parsed is not null)
                    {
                        messages++;
                        await onMessage(parsed);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new(ClientStatus.Ok, messages, "Stopped.");
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or System.Text.Json.JsonException)
        {
            return new(ClientStatus.Unreachable, messages, "The events feed broke off: " + ex.Message);
        }
    }

    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    /// <summary>The MP4 files Export on the recorder's console wrote, newest first.</summary>
    public Task<ClientResult<IReadOnlyList<ExportInfo>>> GetExportsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<ExportInfo>>(() => http.GetAsync("/api/v1/exports", cancellationToken), cancellationToken);

    /// <summary>Writes the exported file <paramref name="name"/> into <paramref name="destination"/>; the value is the bytes written.</summary>
    public Task<ClientResult<long>> DownloadExportAsync(string name, Stream destination, CancellationToken cancellationToken = default) =>
        DownloadAsync($"/api/v1/exports/{Uri.EscapeDataString(name)}", destination, cancellationToken);

    /// <summary>Deletes the exported file <paramref name="name"/> on the recorder; NotFound when it has no such export.</summary>
    public Task<ClientResult<bool>> DeleteExportAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<bool>(() => http.DeleteAsync($"/api/v1/exports/{Uri.EscapeDataString(name)}", cancellationToken), cancellationToken);

    /// <summary>Streams a response body into <paramref name="destination"/> as it arrives; the value is the bytes written.</summary>
    private Task<ClientResult<long>> DownloadAsync(string path, Stream destination, CancellationToken cancellationToken) =>
        SendAsync(
            () => http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken),
            async (response, token) =>
            {
                await using var body = await response.Content.ReadAsStreamAsync(token);
                var counting = new CountingStream(destination);
                await body.CopyToAsync(counting, token);
                return counting.Written;
            },
            cancellationToken);

    /// <summary>
    /// Watches a camera live: writes every binary message of the recorder's live WebSocket (an fMP4 init segment, then
    /// fragments) into <paramref name="destination"/> until <paramref name="cancellationToken"/> ends it, the stream
    /// ends, or the password changes (then <see cref="ClientStatus.PasswordChanged"/>). The value is the bytes written.
    /// </summary>
    public async Task<ClientResult<long>> WatchLiveAsync(string cameraId, string stream, Stream destination, CancellationToken cancellationToken = default)
    {
        using var socket = new ClientWebSocket();
        var connected = await ConnectAsync(socket, $"/api/v1/cameras/{Uri.EscapeDataString(cameraId)}/live", "stream=" + Uri.EscapeDataString(stream), cancellationToken);
        if (connected is not null)
        {
            return connected;
        }

        long written = 0;
        var buffer = new byte[1 << 16];
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, cancellationToken);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return (int?)socket.CloseStatus == PasswordChangedCloseStatus
                        ? new(ClientStatus.PasswordChanged, written, "The recorder's password was changed; the live stream ended.")
                        : new(ClientStatus.Ok, written, socket.CloseStatusDescription ?? "The stream ended.");
                }

                try
                {
                    await destination.WriteAsync(buffer.AsMemory(0, received.Count), cancellationToken);
                    written += received.Count;
                    if (received.EndOfMessage)
                    {
                        await destination.FlushAsync(cancellationToken);
                    }
                }
                catch (IOException)
                {
                    // Whoever read the stream went away (a player closed, `head` had enough): that is the end.
                    return new(ClientStatus.Ok, written, "The reader stopped.");
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new(ClientStatus.Ok, written, "Stopped.");
        }
        catch (Exception ex) when (ex is WebSocketException or IOException)
        {
            return new(ClientStatus.Unreachable, written, "The live stream broke off: " + ex.Message);
        }
    }

    /// <summary>Opens one of the recorder's WebSockets with the token and the pinned certificate; null when open, else why not.</summary>
    private async Task<ClientResult<long>?> ConnectAsync(ClientWebSocket socket, string path, string query, CancellationToken cancellationToken)
    {
        socket.Options.RemoteCertificateValidationCallback = (_, certificate, _, _) => IsPinned(certificate);
        socket.Options.CollectHttpResponseDetails = true;
        if (token is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        }

        var url = new UriBuilder(baseAddress) { Scheme = "wss", Path = path, Query = query }.Uri;
        try
        {
            await socket.ConnectAsync(url, cancellationToken);
            return null;
        }
        catch (WebSocketException) when (socket.HttpStatusCode is HttpStatusCode.Unauthorized)
        {
            // The answer's body is not kept for a refused upgrade: ask the ordinary way why.
            var device = await GetDeviceAsync(cancellationToken);
            return new(device.Status == ClientStatus.Ok ? ClientStatus.Failed : device.Status, 0, device.Message, device.PasswordChangedAt);
        }
        catch (WebSocketException) when (socket.HttpStatusCode is HttpStatusCode.NotFound)
        {
            return new(ClientStatus.NotFound, 0, "No such camera (or it has no such stream).");
        }
        catch (WebSocketException) when (socket.HttpStatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadRequest)
        {
            return new(ClientStatus.Failed, 0, "The camera is not recording.");
        }
        catch (Exception ex) when (ex is WebSocketException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            return presentedFingerprint is not null
                ? new(ClientStatus.CertificateMismatch, 0, $"Certificate mismatch: the recorder presented sha256:{presentedFingerprint}, not the certificate paired.")
                : new(ClientStatus.Unreachable, 0, "The recorder did not answer: " + ex.Message);
        }
    }

    private static string Time(DateTimeOffset time) => Uri.EscapeDataString(time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));

    private bool IsPinned(System.Security.Cryptography.X509Certificates.X509Certificate? certificate)
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
    }

    private Task<ClientResult<T>> SendAsync<T>(Func<Task<HttpResponseMessage>> send, CancellationToken cancellationToken) =>
        SendAsync(send, async (response, token) => typeof(T) == typeof(bool) ? (T)(object)true : (await response.Content.ReadFromJsonAsync<T>(token))!, cancellationToken);

    private async Task<ClientResult<T>> SendAsync<T>(Func<Task<HttpResponseMessage>> send, Func<HttpResponseMessage, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
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
                return await read(response, cancellationToken) is { } value
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
            _ => response.StatusCode switch
            {
                HttpStatusCode.TooManyRequests => new(ClientStatus.RateLimited, default, "Try again later.", RetryAfter: retryAfter),
                HttpStatusCode.NotFound => new(ClientStatus.NotFound, default, detail ?? "The recorder has no such thing."),
                _ => new(ClientStatus.Failed, default, $"The recorder answered {(int)response.StatusCode}: {detail ?? response.ReasonPhrase}"),
            },
        };
    }

    public void Dispose() => http.Dispose();
}
