using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Nightjar.Contracts;
using Nightjar.TestSupport;

namespace Nightjar.Bench;

/// <summary>
/// The companion-app API under load: authenticated <c>GET /api/v1/device</c> throughput and p99 with wrk
/// (keep-alive, TLS), then 500 concurrent wrong-password sign-ins while the recorder's RSS is sampled.
/// </summary>
public static partial class ApiMeasurements
{
    private const string Password = ConsoleDriver.Password;

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"99%\s+([0-9.]+)(us|ms|s)")]
    private static partial Regex P99();

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static async Task<byte[]> GetDeviceJsonAsync(HttpClient api, string token)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, "/api/v1/device");
        message.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var answer = await api.SendAsync(message);
        answer.EnsureSuccessStatusCode();
        return await answer.Content.ReadAsByteArrayAsync();
    }

    private static async Task<(double PerSecond, double P99Ms)> WrkAsync(Uri url, string? token, int seconds)
    {
        var start = new ProcessStartInfo("wrk") { RedirectStandardOutput = true };
        foreach (var argument in new[] { "-t2", "-c50", $"-d{seconds}s", "--latency" })
        {
            start.ArgumentList.Add(argument);
        }

        if (token is not null)
        {
            start.ArgumentList.Add("-H");
            start.ArgumentList.Add($"Authorization: Bearer {token}");
        }

        start.ArgumentList.Add(url.ToString());
        using var wrk = Process.Start(start)!;
        var output = await wrk.StandardOutput.ReadToEndAsync();
        await wrk.WaitForExitAsync();
        var p99 = P99().Match(output);
        var p99Ms = double.Parse(p99.Groups[1].Value, CultureInfo.InvariantCulture) * p99.Groups[2].Value switch { "us" => 0.001, "s" => 1000, _ => 1 };
        return (double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture), p99Ms);
    }

    public static async Task RunAsync(BenchReport report, int seconds)
    {
        var dataDir = await SetUpDataFolder.CreateAsync(); // no relay: the Secure Code goes to the pickup folder

        await using var recorder = await RecorderChildProcess.StartAsync(dataDir, "--Nightjar:Power:AfterPasswordReset=Prompt");
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        using var api = new HttpClient(handler) { BaseAddress = recorder.ApiUrl };
        var session = (await (await api.PostAsJsonAsync("/api/v1/sessions", new SessionRequest("admin", Password, "bench"))).Content.ReadFromJsonAsync<SessionResponse>())!;

        var device = new Uri(recorder.ApiUrl, "/api/v1/device");
        var json = await GetDeviceJsonAsync(api, session.Token);
        await using var bare = await BareKestrel.StartAsync(dataDir, json);

        // Warm-up of both (JIT, TLS session caches, connection pools), then steady state; recorder and bare
        // Kestrel take turns so that neither gets the quieter minute.
        await WrkAsync(device, session.Token, seconds: 3);
        await WrkAsync(new Uri(bare.Url, "/api/v1/device"), null, seconds: 3);
        var runs = new List<(double Recorder, double Bare, double RecorderP99)>();
        for (var round = 0; round < 3; round++)
        {
            var mine = await WrkAsync(device, session.Token, seconds);
            var baseline = await WrkAsync(new Uri(bare.Url, "/api/v1/device"), null, seconds);
            runs.Add((mine.PerSecond, baseline.PerSecond, mine.P99Ms));
        }

        var perSecond = Median(runs.Select(r => r.Recorder));
        var barePerSecond = Median(runs.Select(r => r.Bare));
        var health = await WrkAsync(new Uri(recorder.ApiUrl, "/healthz"), null, seconds);

        report.Add($"authenticated `GET /api/v1/device`, wrk -t2 -c50 -d{seconds}s, keep-alive, TLS, after a warm-up, median of 3 (wrk shares the 2 cores)",
            string.Create(CultureInfo.InvariantCulture, $"{perSecond:N0} req/s"), "≥ 10,000 req/s", perSecond >= 10_000);
        report.Add("bare Kestrel TLS, same certificate, same JSON bytes, same wrk, taking turns with the recorder",
            string.Create(CultureInfo.InvariantCulture, $"{barePerSecond:N0} req/s; recorder / bare = {perSecond / barePerSecond:F2}"));
        report.Add("the recorder's `GET /healthz` on the API listener (its middleware, no token check)",
            string.Create(CultureInfo.InvariantCulture, $"{health.PerSecond:N0} req/s ({health.PerSecond / barePerSecond:F2} of bare)"));
        report.Add("p99 latency of the recorder's runs", string.Create(CultureInfo.InvariantCulture, $"{Median(runs.Select(r => r.RecorderP99)):F1} ms"));

        // 200 apps holding tokens, then a password reset: how long until every one of them is told.
        var tokens = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            var signedIn = await api.PostAsJsonAsync("/api/v1/sessions", new SessionRequest("admin", Password, $"phone {i}"));
            tokens.Add((await signedIn.Content.ReadFromJsonAsync<SessionResponse>())!.Token);
        }

        using var console = recorder.CreateConsoleClient();
        console.DefaultRequestHeaders.Add(Nightjar.Recorder.Recovery.RecoveryEndpoints.ConsoleHeader, "1");
        var request = (await (await console.PostAsync("/console/recovery/requests", null)).Content
            .ReadFromJsonAsync<Nightjar.Recorder.Recovery.RecoveryEndpoints.RequestBody>())!;
        while (!File.Exists(request.FilePath!))
        {
            await Task.Delay(20);
        }

        var code = SecureCodeText.In(await File.ReadAllTextAsync(request.FilePath!));
        var ticket = (await (await console.PostAsJsonAsync($"/console/recovery/requests/{request.RequestId}/verify", new { code })).Content
            .ReadFromJsonAsync<Nightjar.Recorder.Recovery.RecoveryEndpoints.TicketBody>())!.Ticket;
        (await console.PostAsJsonAsync($"/console/recovery/requests/{request.RequestId}/complete",
            new { ticket, newPassword = "amber-lantern-7305", confirmPassword = "amber-lantern-7305" })).EnsureSuccessStatusCode();
        var told = Stopwatch.StartNew();
        var stale = await Task.WhenAll(tokens.Select(async token =>
        {
            using var message = new HttpRequestMessage(HttpMethod.Get, "/api/v1/device");
            message.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            var answer = await api.SendAsync(message);
            return (int)answer.StatusCode == 401 && (await answer.Content.ReadAsStringAsync()).Contains(ProblemTypes.CredentialsChanged, StringComparison.Ordinal);
        }));
        var toldAll = stale.All(t => t);
        report.Add("200 apps holding tokens, password reset: until all 200 are answered `credentials-changed`",
            string.Create(CultureInfo.InvariantCulture, $"{told.Elapsed.TotalMilliseconds:F0} ms, {stale.Count(t => t)} of 200 told"), "≤ 1 s, all 200", toldAll && told.Elapsed.TotalMilliseconds <= 1000);

        // 500 concurrent wrong-password sign-ins from one client, sampling RSS meanwhile.
        var before = recorder.ResidentMegabytes();
        var peak = before;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, recorder.ResidentMegabytes());
                await Task.Delay(20);
            }
        });
        var statuses = await Task.WhenAll(Enumerable.Range(0, 500).Select(async _ =>
            (int)(await api.PostAsJsonAsync("/api/v1/sessions", new SessionRequest("admin", "still-wrong", "storm"))).StatusCode));
        await sampling.CancelAsync();
        await sampler;
        var counts = string.Join(", ", statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"));
        report.Add("500 concurrent wrong-password sign-ins: peak RSS",
            string.Create(CultureInfo.InvariantCulture, $"{peak:F1} MB (from {before:F1} MB); answers {counts}"),
            "no 5xx; peak ≤ start + 64 MB (2 × 19 MiB hashing cap)", statuses.All(s => s < 500) && peak - before <= 64);
    }
}
