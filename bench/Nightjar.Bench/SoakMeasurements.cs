using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Nightjar.Contracts;
using Nightjar.Recorder.Recovery;
using Nightjar.TestSupport;

namespace Nightjar.Bench;

/// <summary>
/// Hours of use compressed: per hour twelve five-minute blocks, each with a console login in a fresh browser, six phone
/// apps polling every 30 s, a wrong password from one of them; a Forgot Password reset (with its reboot) every
/// 15 minutes and a reboot from the Power screen every 20; one console stays open on the live view throughout.
/// Resident memory is sampled after each block: it must level off, not climb, so the last hour is compared with
/// the one before it.
/// </summary>
public static class SoakMeasurements
{
    private const int BlocksPerHour = 12;
    private const int Apps = 6;
    private const int PollsPerAppPerBlock = 10;

    public static async Task RunAsync(BenchReport report, int hours)
    {
        var blocks = hours * BlocksPerHour;
        await using var smtp = LoopbackSmtpServer.Start();
        var dataDir = await SetUpDataFolder.CreateAsync(smtp);

        // Four resets an hour, hours compressed into minutes: lift the hourly request limit to its maximum.
        await using var recorder = await RecorderChildProcess.StartAsync(dataDir, "--Nightjar:Recovery:MaxRequestsPerHour=60");
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator };
        using var api = new HttpClient(handler) { BaseAddress = recorder.ApiUrl };
        using var console = recorder.CreateConsoleClient();
        console.DefaultRequestHeaders.Add(RecoveryEndpoints.ConsoleHeader, "1");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ConsoleDriver.LaunchAsync(playwright);
        var kiosk = await ConsoleDriver.NewPageAsync(browser);
        await kiosk.GotoAsync(recorder.ConsoleUrl.ToString());
        await ConsoleDriver.WaitInteractiveAsync(kiosk);

        var password = ConsoleDriver.Password;
        var tokens = new string?[Apps];
        var samples = new List<double> { await SettledRssAsync(recorder) };
        var (polls, logins, resets, reboots, appSignIns) = (0, 0, 0, 0, 0);
        for (var block = 1; block <= blocks; block++)
        {
            // The owner logs in at the screen and looks at the settings.
            var context = await browser.NewContextAsync();
            var page = await context.NewPageAsync();
            await ConsoleDriver.LogInAsync(page, recorder.ConsoleUrl, "/settings", password);
            logins++;

            // Phones poll; a phone told the password changed signs in again with the new one, as its owner would.
            for (var poll = 0; poll < PollsPerAppPerBlock; poll++)
            {
                for (var app = 0; app < Apps; app++)
                {
                    if (tokens[app] is null || !await PollAsync(api, tokens[app]!))
                    {
                        tokens[app] = await SignInAsync(api, password, app);
                        appSignIns++;
                    }

                    polls++;
                }
            }

            (await api.PostAsJsonAsync("/api/v1/sessions", new SessionRequest("admin", "not-the-password", "phone 0"))).Dispose();

            if (block % 4 == 0)
            {
                await page.GotoAsync(new Uri(recorder.ConsoleUrl, "/power").ToString()); // still logged in from this block
                await ConsoleDriver.WaitInteractiveAsync(page);
                var boot = await recorder.BootIdAsync();
                await ConsoleDriver.ClickRebootAsync(page);
                await recorder.WaitUntilHealthyAsync(notBootId: boot);
                reboots++;
            }

            if (block % 3 == 0)
            {
                password = string.Create(CultureInfo.InvariantCulture, $"amber-lantern-{7300 + block}");
                await ResetAsync(recorder, console, smtp, password);
                resets++;
            }

            await context.CloseAsync();
            await ConsoleDriver.WaitInteractiveAsync(kiosk);
            samples.Add(await SettledRssAsync(recorder));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"soak: {block * 5} simulated minutes, RSS {samples[^1]:F1} MB"));
        }

        var hourly = Enumerable.Range(0, hours + 1).Select(h => samples[h * BlocksPerHour]).ToList();
        var lastHour = hourly[^1] - hourly[^2];
        report.Add($"RSS over {hours} simulated hours of use (per hour: 12 console logins, 720 app polls, 4 resets, 7 in-process reboots; one console open)",
            string.Create(CultureInfo.InvariantCulture, $"{string.Join(" → ", hourly.Select(r => r.ToString("F0", CultureInfo.InvariantCulture)))} MB at each hour (peak {samples.Max():F0} MB); last hour +{lastHour:F1} MB; {logins} logins, {polls} polls, {appSignIns} app sign-ins, {resets} resets, {reboots + resets} reboots"),
            "bounded: last hour grows ≤ 10 MB", lastHour <= 10);
    }

    private static async Task<double> SettledRssAsync(RecorderChildProcess recorder)
    {
        await Task.Delay(TimeSpan.FromSeconds(2));
        return recorder.ResidentMegabytes();
    }

    private static async Task<bool> PollAsync(HttpClient api, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/device");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await api.SendAsync(request);
        return response.StatusCode == HttpStatusCode.OK;
    }

    private static async Task<string> SignInAsync(HttpClient api, string password, int app)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            using var response = await api.PostAsJsonAsync("/api/v1/sessions", new SessionRequest("admin", password, $"phone {app}"));
            if (response.StatusCode == HttpStatusCode.Created)
            {
                return (await response.Content.ReadFromJsonAsync<SessionResponse>())!.Token;
            }

            if (waited.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new InvalidOperationException($"App {app} could not sign in: {(int)response.StatusCode}.");
            }

            await Task.Delay(200); // right after a reboot the listener may not be up yet
        }
    }

    private static async Task ResetAsync(RecorderChildProcess recorder, HttpClient console, LoopbackSmtpServer smtp, string newPassword)
    {
        var (requestId, ticket) = await ConsoleRecovery.VerifiedAsync(console, smtp);
        var boot = await recorder.BootIdAsync();
        await ConsoleRecovery.CompleteAsync(console, requestId, ticket, newPassword);
        await recorder.WaitUntilHealthyAsync(notBootId: boot);
    }
}
