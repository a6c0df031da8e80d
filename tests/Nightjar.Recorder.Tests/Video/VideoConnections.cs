using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using Nightjar.Contracts;
using Nightjar.Recorder.Hosting;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Video;

/// <summary>How a phone app and the box's screen reach the video routes: app tokens, console sessions and WebSockets, over the real listeners.</summary>
public static class VideoConnections
{
    public static async Task<string> SignInAsync(TestRecorder recorder, string password = TestRecorder.AdminPassword)
    {
        using var api = recorder.CreateApiClient();
        var response = await api.PostAsJsonAsync("/api/v1/sessions", new SessionRequest("admin", password, "test phone"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<SessionResponse>())!.Token;
    }

    /// <summary>A console client holding a session cookie, logged in with the form the login dialog posts.</summary>
    public static async Task<(HttpClient Client, CookieContainer Cookies)> LogInToConsoleAsync(TestRecorder recorder)
    {
        var cookies = new CookieContainer();
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = recorder.ConsoleUrl };
        var token = await Antiforgery.TokenAsync(client);
        var response = await client.PostAsync("/console/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [Antiforgery.FieldName] = token,
            ["userName"] = "admin",
            ["password"] = TestRecorder.AdminPassword,
            ["returnUrl"] = "/",
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains(cookies.GetCookies(recorder.ConsoleUrl), c => c.Name == Nightjar.Recorder.Accounts.ConsoleSession.CookieName);
        return (client, cookies);
    }

    public static HttpRequestMessage Get(string path, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    /// <summary>A live WebSocket on the API listener (<c>wss</c>, the recorder's certificate pinned). Throws <see cref="WebSocketException"/> when refused; <paramref name="refusedWith"/> says how.</summary>
    public static async Task<ClientWebSocket> OpenApiLiveAsync(TestRecorder recorder, string path, string? token, Action<HttpStatusCode>? refusedWith = null)
    {
        var fingerprint = recorder.Get<DeviceCertificate>().Sha256Fingerprint;
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null
            && string.Equals(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(certificate.GetRawCertData())), fingerprint, StringComparison.Ordinal);
        if (token is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        }

        return await ConnectAsync(socket, new Uri(new Uri(recorder.ApiUrl.AbsoluteUri.Replace("https://", "wss://", StringComparison.Ordinal)), path), refusedWith);
    }

    /// <summary>A live WebSocket on the console listener, as the box's screen opens it (with the session cookie, when given).</summary>
    public static async Task<ClientWebSocket> OpenConsoleLiveAsync(TestRecorder recorder, string path, CookieContainer? cookies = null, Action<HttpStatusCode>? refusedWith = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (cookies is not null)
        {
            socket.Options.Cookies = cookies;
        }

        return await ConnectAsync(socket, new Uri(new Uri(recorder.ConsoleUrl.AbsoluteUri.Replace("http://", "ws://", StringComparison.Ordinal)), path), refusedWith);
    }

    private static async Task<ClientWebSocket> ConnectAsync(ClientWebSocket socket, Uri url, Action<HttpStatusCode>? refusedWith)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await socket.ConnectAsync(url, timeout.Token);
            return socket;
        }
        catch (WebSocketException)
        {
            refusedWith?.Invoke(socket.HttpStatusCode);
            socket.Dispose();
            throw;
        }
    }

    /// <summary>One whole message, or a close (then <c>Type</c> is <see cref="WebSocketMessageType.Close"/>).</summary>
    public static async Task<(WebSocketMessageType Type, byte[] Bytes)> ReceiveAsync(WebSocket socket, TimeSpan? timeout = null)
    {
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        var message = new MemoryStream();
        var buffer = new byte[1 << 16];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, limit.Token);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                return (WebSocketMessageType.Close, []);
            }

            message.Write(buffer, 0, received.Count);
            if (received.EndOfMessage)
            {
                return (received.MessageType, message.ToArray());
            }
        }
    }

    /// <summary>The binary messages of a live stream for <paramref name="duration"/>, written one after the other: a fragmented MP4.</summary>
    public static async Task<byte[]> RecordLiveAsync(WebSocket socket, TimeSpan duration)
    {
        var file = new MemoryStream();
        var until = TimeProvider.System.GetUtcNow() + duration;
        while (TimeProvider.System.GetUtcNow() < until)
        {
            var (type, bytes) = await ReceiveAsync(socket);
            Assert.NotEqual(WebSocketMessageType.Close, type);
            if (type == WebSocketMessageType.Binary)
            {
                file.Write(bytes);
            }
        }

        return file.ToArray();
    }
}
