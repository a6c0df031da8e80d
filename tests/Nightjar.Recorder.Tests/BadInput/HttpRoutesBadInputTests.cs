using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Nightjar.Recorder.Accounts;
using Nightjar.Recorder.Hosting;
using Nightjar.Recorder.Identity;
using Nightjar.Recorder.Pairing;
using Nightjar.Recorder.Recovery;
using Nightjar.Recorder.Security;
using Nightjar.Recorder.Storage;
using Nightjar.Recording.Storage;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.BadInput;

/// <summary>
/// The corpus against every HTTP route of the real recorder (Kestrel, SQLite, both listeners): every text case in
/// every form field, JSON member, path segment and header; every body case at every JSON route; every slow client
/// at both listeners. Never a 5xx, never a wait past a few seconds, a message with every refusal, and nothing
/// written that a refusal should have kept out.
/// </summary>
public class HttpRoutesBadInputTests : IAsyncLifetime
{
    // A request may wait up to 5 s for a hashing slot (Nightjar:Accounts:HashQueueTimeout) while other tests hash.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>Kestrel's default <c>MaxRequestLineSize</c>, which the recorder keeps.</summary>
    private const int KestrelRequestLineLimit = 8 * 1024;

    private TestRecorder recorder = null!;
    private string recoveryKey = "";
    private string password = TestRecorder.AdminPassword;
    private int nextClientAddress = 2;

    public async Task InitializeAsync()
    {
        // No reboot after a reset and a generous request limit, so every bad value reaches the code that reads it.
        recorder = await TestRecorder.StartAsync("--Nightjar:Power:AfterPasswordReset=Prompt", "--Nightjar:Recovery:MaxRequestsPerHour=60");
        recoveryKey = await recorder.CompleteSetupAsync();
    }

    public async Task DisposeAsync() => await recorder.DisposeAsync();

    private static IEnumerable<BadInputCase> Texts => BadInputCorpus.OfKind(BadInputCase.TextKind);

    private string Fingerprint => recorder.Get<DeviceCertificate>().Sha256Fingerprint;

    [Fact]
    public async Task ConsoleLoginForm_AnswersEveryBadField_AndNeverLeavesTheConsole()
    {
        var failures = new List<string>();
        using var client = recorder.CreateConsoleClient();
        var token = WebUtility.UrlEncode(await Antiforgery.TokenAsync(client));
        foreach (var bad in Texts)
        {
            var value = bad.PercentEncoded();
            foreach (var (field, form) in new[]
            {
                ("userName", $"userName={value}&password=x&returnUrl=/settings"),
                ("password", $"userName=admin&password={value}&returnUrl=/settings"),
                ("returnUrl", $"userName=admin&password=x&returnUrl={value}"),
                ("token", $"__RequestVerificationToken={value}&userName=admin&password=x"),
            })
            {
                var body = field == "token" ? form : $"{Antiforgery.FieldName}={token}&{form}";
                using var content = new StringContent(body, Encoding.ASCII, "application/x-www-form-urlencoded");
                var response = await SendAsync(client, new HttpRequestMessage(HttpMethod.Post, "/console/login") { Content = content }, failures, bad, field);
                if (response?.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString is { } location
                    && (!location.StartsWith('/') || location.StartsWith("//", StringComparison.Ordinal) || location.StartsWith("/\\", StringComparison.Ordinal)))
                {
                    failures.Add($"{bad} in {field}: redirected off the console to {location}");
                }

                if (response?.Headers.TryGetValues("Set-Cookie", out var cookies) == true && cookies.Any(c => c.StartsWith(ConsoleSession.CookieName + "=", StringComparison.Ordinal)))
                {
                    failures.Add($"{bad} in {field}: signed in");
                }
            }
        }

        await AssertNothingChangedAsync();
        Assert.Empty(failures);
    }

    [Fact]
    public async Task RecoveryRoutes_AnswerEveryBadIdAndCode()
    {
        var failures = new List<string>();
        using var console = recorder.CreateConsoleClient();
        console.DefaultRequestHeaders.Add(RecoveryEndpoints.ConsoleHeader, "1");
        var requestId = await StartAsync(console, "/console/recovery/requests");
        foreach (var bad in Texts)
        {
            var segment = bad.PercentEncoded();
            await SendAsync(console, Json(HttpMethod.Post, $"/console/recovery/requests/{segment}/verify", """{"code":"K7Q2-9MZD"}"""u8.ToArray()), failures, bad, "request id (verify)");
            await SendAsync(console, new HttpRequestMessage(HttpMethod.Get, $"/console/recovery/requests/{segment}"), failures, bad, "request id (get)");
            await SendAsync(console, new HttpRequestMessage(HttpMethod.Delete, $"/console/recovery/requests/{segment}"), failures, bad, "request id (cancel)");

            var verify = await SendAsync(console, Json(HttpMethod.Post, $"/console/recovery/requests/{requestId}/verify", Member("code", bad)), failures, bad, "code");
            if (verify?.StatusCode == HttpStatusCode.OK)
            {
                failures.Add($"{bad} as the code: accepted");
            }
            else if (verify?.StatusCode == HttpStatusCode.Gone)
            {
                requestId = await StartAsync(console, "/console/recovery/requests");
            }
        }

        await AssertNothingChangedAsync();
        Assert.Empty(failures);
    }

    [Fact]
    public async Task CompletingAReset_AnswersEveryBadTicketAndPassword()
    {
        var failures = new List<string>();
        using var console = recorder.CreateConsoleClient();
        console.DefaultRequestHeaders.Add(RecoveryEndpoints.ConsoleHeader, "1");
        var (keyRequest, ticket) = await VerifiedWithKeyAsync(console);
        var acceptable = 0;
        foreach (var bad in Texts)
        {
            // A value the rules accept really resets the password and costs one of the 60 requests an hour allows,
            // so ten of those go over HTTP; the service-level test sets every one of them.
            if (PasswordPolicy.IsAcceptable(bad.Text(), AdminAccount.UserName) && ++acceptable > 10)
            {
                continue;
            }

            await SendAsync(console, Json(HttpMethod.Post, $"/console/recovery/requests/{keyRequest}/complete",
                Concat("""{"ticket":""", bad.JsonString(), ""","newPassword":"amber-lantern-7305","confirmPassword":"amber-lantern-7305"}""")), failures, bad, "ticket");
            foreach (var (field, body) in new[]
            {
                ("new password", Concat($$"""{"ticket":"{{ticket}}","newPassword":""", bad.JsonString(), ""","confirmPassword":""", bad.JsonString(), "}")),
                ("confirmation", Concat($$"""{"ticket":"{{ticket}}","newPassword":"amber-lantern-7305","confirmPassword":""", bad.JsonString(), "}")),
            })
            {
                var response = await SendAsync(console, Json(HttpMethod.Post, $"/console/recovery/requests/{keyRequest}/complete", body), failures, bad, field);
                if (response?.StatusCode == HttpStatusCode.OK)
                {
                    // A printable, hard-to-guess hostile string is a fine password; it must then be the one that works.
                    var text = bad.Text();
                    if (!PasswordPolicy.IsAcceptable(text, AdminAccount.UserName))
                    {
                        failures.Add($"{bad} in {field}: a password the rules refuse was set");
                    }

                    password = text;
                    using var completed = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    recoveryKey = completed.RootElement.GetProperty("newRecoveryKey").GetString()!;
                    (keyRequest, ticket) = await VerifiedWithKeyAsync(console);
                }
            }
        }

        await AssertNothingChangedAsync();
        Assert.Empty(failures);
    }

    [Fact]
    public async Task ApiSignIn_AnswersEveryBadMember_AndIssuesTokensOnlyForValidRequests()
    {
        var failures = new List<string>();
        foreach (var bad in Texts)
        {
            foreach (var (field, body) in new[]
            {
                ("userName", Concat("""{"userName":""", bad.JsonString(), $$""","password":"{{password}}","clientName":"phone"}""")),
                ("password", Concat("""{"userName":"admin","password":""", bad.JsonString(), ""","clientName":"phone"}""")),
                ("clientName", Concat($$"""{"userName":"admin","password":"{{password}}","clientName":""", bad.JsonString(), "}")),
            })
            {
                // A fresh loopback source address each time, so the per-client limit never hides what the route does.
                using var api = ApiClientFromNextAddress();
                var response = await SendAsync(api, Json(HttpMethod.Post, "/api/v1/sessions", body), failures, bad, field);
                if (response?.StatusCode == HttpStatusCode.Created && field != "clientName")
                {
                    failures.Add($"{bad} in {field}: signed in");
                }
            }
        }

        await using (var connection = await recorder.Get<Database>().OpenAsync())
        {
            foreach (var name in await connection.QueryAsync("SELECT client_name FROM app_token", r => r.GetString(0)))
            {
                if (name.Length is 0 or > AppTokens.MaxClientNameLength || TypedText.HasHiddenCharacters(name))
                {
                    failures.Add($"a token was issued to a client named '{name}'");
                }
            }
        }

        await AssertNothingChangedAsync();
        Assert.Empty(failures);
    }

    [Fact]
    public async Task VideoRoutes_WithAValidToken_AnswerEveryBadCameraTimeStreamAndExportName()
    {
        // Signed in, so each bad value reaches the code that reads it instead of stopping at 401.
        using var api = ApiClientFromNextAddress();
        var signIn = await api.PostAsync("/api/v1/sessions", new StringContent(
            JsonSerializer.Serialize(new { userName = AdminAccount.UserName, password, clientName = "bad input" }), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, signIn.StatusCode);
        using (var session = JsonDocument.Parse(await signIn.Content.ReadAsStringAsync()))
        {
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", session.RootElement.GetProperty("token").GetString());
        }

        var failures = new List<string>();
        var (from, to) = ("2026-01-01T10:00:00Z", "2026-01-01T10:01:00Z");
        foreach (var bad in Texts)
        {
            var value = bad.PercentEncoded();
            foreach (var (field, path) in new[]
            {
                ("camera id (recordings)", $"/api/v1/cameras/{value}/recordings?from={from}&to={to}"),
                ("camera id (video)", $"/api/v1/cameras/{value}/video.mp4?from={from}&to={to}"),
                ("camera id (snapshot)", $"/api/v1/cameras/{value}/snapshot.jpg"),
                ("camera id (live)", $"/api/v1/cameras/{value}/live"),
                ("from (recordings)", $"/api/v1/cameras/cfg0/recordings?from={value}&to={to}"),
                ("to (recordings)", $"/api/v1/cameras/cfg0/recordings?from={from}&to={value}"),
                ("from (video)", $"/api/v1/cameras/cfg0/video.mp4?from={value}&to={to}"),
                ("to (video)", $"/api/v1/cameras/cfg0/video.mp4?from={from}&to={value}"),
                ("stream (live)", $"/api/v1/cameras/cfg0/live?stream={value}"),
                ("export name", $"/api/v1/exports/{value}"),
            })
            {
                var response = await SendAsync(api, new HttpRequestMessage(HttpMethod.Get, path), failures, bad, field);
                // "" and "." name no export: the path is then /api/v1/exports/, the list, which answers 200 with it.
                var theList = response?.StatusCode == HttpStatusCode.OK && field == "export name" && (await response.Content.ReadAsStringAsync()).StartsWith('[');
                if (response?.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.OK && !theList)
                {
                    failures.Add($"{bad} in {field}: {(int)response!.StatusCode}, not a refusal of the value");
                }
            }

            var deleted = await SendAsync(api, new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/exports/{value}"), failures, bad, "export name (delete)");
            if (deleted?.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.NoContent)
            {
                failures.Add($"{bad} in export name (delete): {(int)deleted!.StatusCode}, not a refusal of the value");
            }
        }

        await AssertNothingChangedAsync();
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task PushSubscriptions_WithAValidToken_RefuseEveryBadEndpointAndKey_InWords()
    {
        using var api = ApiClientFromNextAddress();
        var signIn = await api.PostAsync("/api/v1/sessions", new StringContent(
            JsonSerializer.Serialize(new { userName = AdminAccount.UserName, password, clientName = "bad input" }), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, signIn.StatusCode);
        using (var session = JsonDocument.Parse(await signIn.Content.ReadAsStringAsync()))
        {
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", session.RootElement.GetProperty("token").GetString());
        }

        // A valid subscription but for the one member: each bad value must be the reason it is refused.
        const string endpoint = "\"https://push.example.com/send/abc\"";
        const string p256dh = "\"BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4\"";
        const string auth = "\"BTBZMqHH6r4Tts7J_aSIgg\"";
        var failures = new List<string>();
        foreach (var bad in Texts)
        {
            foreach (var (field, body) in new[]
            {
                ("endpoint", Concat("""{"endpoint":""", bad.JsonString(), $$$""","keys":{"p256dh":{{{p256dh}}},"auth":{{{auth}}}}}""")),
                ("keys.p256dh", Concat($$"""{"endpoint":{{endpoint}},"keys":{"p256dh":""", bad.JsonString(), $$$""","auth":{{{auth}}}}}""")),
                ("keys.auth", Concat($$"""{"endpoint":{{endpoint}},"keys":{"p256dh":{{p256dh}},"auth":""", bad.JsonString(), "}}")),
            })
            {
                var response = await SendAsync(api, Json(HttpMethod.Post, "/api/v1/push/subscriptions", body), failures, bad, field);
                if (response?.StatusCode == HttpStatusCode.RequestEntityTooLarge)
                {
                    continue; // over the listener's body limit: refused before any member is read
                }

                if (field == "endpoint" && Uri.TryCreate(bad.Text(), UriKind.Absolute, out var url) && url.Scheme == Uri.UriSchemeHttps)
                {
                    continue; // an https address is what a push service's is: taken, and removed below
                }

                if (response is not null && response.StatusCode != HttpStatusCode.BadRequest)
                {
                    failures.Add($"{bad} in {field}: {(int)response.StatusCode}, not a refusal of the value");
                }
                else if (response is not null && await response.Content.ReadAsStringAsync() is var said
                         && said.Contains("invalid-request", StringComparison.Ordinal) && !said.Contains(field.Split('.')[^1], StringComparison.Ordinal))
                {
                    // (JSON that is not JSON, raw control characters, is refused by the reader before any member is looked at.)
                    failures.Add($"{bad} in {field}: the refusal does not name {field}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        await using (var connection = await recorder.Get<Database>().OpenAsync())
        {
            Assert.Empty(await connection.QueryAsync("SELECT endpoint FROM push_subscription WHERE endpoint NOT LIKE 'https://%'", r => r.GetString(0)));
        }

        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync("/api/v1/push/subscriptions")).StatusCode);

        await AssertNothingChangedAsync();
    }

    [Fact]
    public async Task RawHeadersAndPaths_OnBothListeners_NeverGetA5xx()
    {
        var failures = new List<string>();
        foreach (var bad in Texts.Where(c => c.Bytes().Length < 60_000))
        {
            // The Host names the listener's own address and port: the console answers no other (DNS rebinding guard),
            // so without the port every console case would stop at that check before reaching the code under test.
            var api = $"127.0.0.1:{recorder.ApiUrl.Port}";
            var console = $"127.0.0.1:{recorder.ConsoleUrl.Port}";
            var requests = new (string What, Uri Server, string Before, string After)[]
            {
                ("bearer token", recorder.ApiUrl, $"GET /api/v1/device HTTP/1.1\r\nHost: {api}\r\nAuthorization: Bearer ", "\r\n\r\n"),
                ("bearer token (sign out)", recorder.ApiUrl, $"DELETE /api/v1/sessions/current HTTP/1.1\r\nHost: {api}\r\nAuthorization: Bearer ", "\r\n\r\n"),
                ("session cookie", recorder.ConsoleUrl, $"GET /settings HTTP/1.1\r\nHost: {console}\r\nCookie: {ConsoleSession.CookieName}=", "\r\n\r\n"),
                ("console header", recorder.ConsoleUrl, $"POST /console/recovery/requests HTTP/1.1\r\nHost: {console}\r\nContent-Length: 0\r\nX-Nightjar-Console: ", "\r\n\r\n"),
                ("console path", recorder.ConsoleUrl, "GET /", $" HTTP/1.1\r\nHost: {console}\r\n\r\n"),
                ("api path", recorder.ApiUrl, "GET /api/v1/", $" HTTP/1.1\r\nHost: {api}\r\n\r\n"),
            };
            foreach (var (what, server, before, after) in requests)
            {
                var request = new List<BadInputCase.Piece> { new(before, null, null) };
                request.AddRange(bad.Pieces);
                request.Add(new(after, null, null));
                var answer = await RawHttp.SendAsync(server, request, Patience, Fingerprint);
                // 505: Kestrel's answer to a request line whose HTTP version is garbage (a CR/LF in the path ends the
                // line early), given before any recorder code runs.
                // Every request gets a status line: a connection closed without one is a crash or a hang to the client.
                if (answer.Status is >= 500 and not 505 || answer.Status is null)
                {
                    failures.Add($"{bad} in the {what}: {(answer.Status is { } s ? s.ToString(System.Globalization.CultureInfo.InvariantCulture) : "no answer")} after {answer.Elapsed.TotalSeconds:F1} s");
                }
            }
        }

        await AssertNothingChangedAsync();
        Assert.Empty(failures);
    }

    [Fact]
    public async Task EveryBadBody_AtEveryJsonRoute_IsRefusedWithAMessage()
    {
        var failures = new List<string>();
        using var console = recorder.CreateConsoleClient();
        console.DefaultRequestHeaders.Add(RecoveryEndpoints.ConsoleHeader, "1");
        var requestId = await StartAsync(console, "/console/recovery/requests");
        foreach (var bad in BadInputCorpus.OfKind(BadInputCase.BodyKind))
        {
            var body = bad.Bytes();
            var verify = await SendAsync(console, Json(HttpMethod.Post, $"/console/recovery/requests/{requestId}/verify", body), failures, bad, "verify");
            if (verify?.StatusCode == HttpStatusCode.Gone)
            {
                requestId = await StartAsync(console, "/console/recovery/requests");
            }

            await SendAsync(console, Json(HttpMethod.Post, $"/console/recovery/requests/{requestId}/complete", body), failures, bad, "complete");
            using var api = ApiClientFromNextAddress();
            var signIn = await SendAsync(api, Json(HttpMethod.Post, "/api/v1/sessions", body), failures, bad, "sign-in");
            if (signIn?.StatusCode == HttpStatusCode.Created)
            {
                failures.Add($"{bad} at sign-in: a token was issued");
            }
        }

        await AssertNothingChangedAsync();
        Assert.Empty(failures);
    }

    [Fact]
    public async Task SlowAndStalledClients_AreCutOffWithinSeconds_WhileOthersAreServed()
    {
        var slow = BadInputCorpus.OfKind(BadInputCase.SlowKind).ToList();
        var attempts = slow.SelectMany(c => new[] { (Case: c, Server: recorder.ConsoleUrl), (Case: c, Server: recorder.ApiUrl) })
            .Select(async a => (a.Case, a.Server, Answer: await RawHttp.SendAsync(a.Server, a.Case.Pieces, TimeSpan.FromSeconds(30), Fingerprint)))
            .ToList();

        // While every slow client holds a connection, a normal request is still answered.
        using var client = new HttpClient { BaseAddress = recorder.ConsoleUrl, Timeout = Patience };
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);

        var failures = new List<string>();
        foreach (var (bad, server, answer) in await Task.WhenAll(attempts))
        {
            // Kestrel's limits: 10 s for the request headers, 240 bytes/s for a body after a 5 s grace.
            if (answer.Status >= 500 && answer.Status != 503 || (answer.Status is null && !answer.Closed) || answer.Elapsed > TimeSpan.FromSeconds(20))
            {
                failures.Add($"{bad} at {server}: {(answer.Status is { } s ? s.ToString(System.Globalization.CultureInfo.InvariantCulture) : answer.Closed ? "closed" : "still open")} after {answer.Elapsed.TotalSeconds:F1} s");
            }
        }

        Assert.Empty(failures);
    }

    private HttpClient ApiClientFromNextAddress()
    {
        var address = IPAddress.Parse($"127.0.{nextClientAddress / 250}.{(nextClientAddress % 250) + 2}");
        nextClientAddress++;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellation) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(address, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellation);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(certificate.GetRawCertData())) == Fingerprint },
        };
        return new HttpClient(handler) { BaseAddress = recorder.ApiUrl, Timeout = Timeout.InfiniteTimeSpan };
    }

    private static async Task<string> StartAsync(HttpClient console, string path)
    {
        var response = await console.PostAsync(path, null);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("requestId").GetString()!;
    }

    private async Task<(string RequestId, string Ticket)> VerifiedWithKeyAsync(HttpClient console)
    {
        var id = await StartAsync(console, "/console/recovery/requests/recovery-key");
        var response = await console.PostAsync($"/console/recovery/requests/{id}/verify",
            new StringContent(JsonSerializer.Serialize(new { code = recoveryKey }), Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (id, document.RootElement.GetProperty("ticket").GetString()!);
    }

    /// <summary>Sends one request: it must be answered within seconds, never with a 5xx, and a refusal must say why.</summary>
    private static async Task<HttpResponseMessage?> SendAsync(HttpClient client, HttpRequestMessage request, List<string> failures, BadInputCase bad, string field)
    {
        using (request)
        {
            using var giveUp = new CancellationTokenSource(Patience);
            try
            {
                var response = await client.SendAsync(request, giveUp.Token);
                var status = (int)response.StatusCode;
                var body = await response.Content.ReadAsStringAsync(giveUp.Token);
                // 503 "busy" is the designed answer when both hashing slots stay taken (other tests hash at the same time).
                if (status >= 500 && !(status == 503 && body.Contains(Nightjar.Contracts.ProblemTypes.Busy, StringComparison.Ordinal)))
                {
                    failures.Add($"{bad} in {field}: {status}");
                }
                // Kestrel refuses what HTTP itself forbids (a NUL or CR/LF in the decoded path, an overlong request line,
                // headers past the limit) before any middleware runs: a bodiless answer that closes the connection.
                else if (status is >= 400 and not 404 and not 405 && !SaysWhy(body) && response.Headers.ConnectionClose != true)
                {
                    failures.Add($"{bad} in {field}: {status} without a message");
                }

                return response;
            }
            catch (OperationCanceledException)
            {
                failures.Add($"{bad} in {field}: no answer within {Patience.TotalSeconds} s");
            }
            catch (HttpRequestException) when (request.Content?.Headers.ContentLength > ListenerRouting.MaxRequestBodyBytes)
            {
                // Kestrel answers 413 and closes while the client is still writing the oversized body: cut off, as meant.
            }
            catch (HttpRequestException) when (request.RequestUri?.OriginalString.Length > KestrelRequestLineLimit)
            {
                // Likewise a request line past Kestrel's limit: 414 and the connection closed while the client still writes.
            }
            catch (HttpRequestException e)
            {
                failures.Add($"{bad} in {field}: the connection failed ({e.Message})");
            }

            return null;
        }
    }

    /// <summary>A problem document with a title or detail, or a page that says something.</summary>
    private static bool SaysWhy(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && (document.RootElement.TryGetProperty("detail", out var detail) && detail.GetString() is { Length: > 0 }
                    || document.RootElement.TryGetProperty("title", out var title) && title.GetString() is { Length: > 0 });
        }
        catch (JsonException)
        {
            return body.Trim().Length > 0;
        }
    }

    private static HttpRequestMessage Json(HttpMethod method, string path, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return new HttpRequestMessage(method, path) { Content = content };
    }

    private static byte[] Member(string name, BadInputCase bad) => Concat($"{{\"{name}\":", bad.JsonString(), "}");

    private static byte[] Concat(params object[] parts) =>
        [.. parts.SelectMany(p => p is byte[] bytes ? bytes : Encoding.UTF8.GetBytes((string)p))];

    /// <summary>The password that should work is the one that works; the device, settings and file are as they were.</summary>
    private async Task AssertNothingChangedAsync()
    {
        var hasher = recorder.Get<PasswordHasher>();
        Assert.Equal(PasswordVerification.Match, await hasher.VerifyAsync((await recorder.Get<AdminAccount>().GetPasswordHashAsync())!, PasswordPolicy.Normalize(password)));
        Assert.Equal(RecorderIdentityStore.DefaultName, (await recorder.Get<RecorderIdentityStore>().GetAsync()).Name);
        await using var connection = await recorder.Get<Database>().OpenAsync();
        Assert.Equal("owner@example.com", await connection.ExecuteScalarAsync<string>("SELECT email FROM recovery"));
        Assert.Equal("ok", await connection.ExecuteScalarAsync<string>("PRAGMA integrity_check"));
    }
}
