using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Nightjar.Recorder.Accounts;
using Nightjar.Recorder.Notifications;
using Nightjar.Recorder.Recovery;
using Nightjar.Recording.Storage;
using Nightjar.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Nightjar.Recorder.Tests.Reliability;

/// <summary>
/// SIGKILL the real recorder process at random points of a password reset, again and again. After every kill
/// exactly one of the old and the new password is stored, never neither, and every queued message is still
/// there and is delivered once the recorder is back. CI runs a reduced count; set NIGHTJAR_CRASH_ITERATIONS
/// (bench/run sets 100) for the full loop, and NIGHTJAR_CRASH_SEED to replay the kill points of a failed run.
/// </summary>
public class CrashSafetyTests(ITestOutputHelper output)
{
    private static int Iterations =>
        int.TryParse(Environment.GetEnvironmentVariable("NIGHTJAR_CRASH_ITERATIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 12;

    [Fact]
    public async Task KillAtRandomPointsOfAReset_LeavesExactlyOnePassword_AndLosesNoMail()
    {
        var dataDir = TestRecorder.NewDataDir();
        await using (var setup = await TestRecorder.StartInAsync(dataDir))
        {
            await setup.CompleteSetupAsync("jane@example.com"); // no relay: mail goes to the pickup folder
        }

        var seed = int.TryParse(Environment.GetEnvironmentVariable("NIGHTJAR_CRASH_SEED"), NumberStyles.None, CultureInfo.InvariantCulture, out var s)
            ? s
            : Environment.TickCount & int.MaxValue;
        output.WriteLine($"seed {seed}, {Iterations} iterations (replay with NIGHTJAR_CRASH_SEED={seed})");
        var random = new Random(seed);
        using var hasher = new PasswordHasher(Options.Create(new AccountOptions()));
        var current = TestRecorder.AdminPassword;
        var changed = 0;
        var requests = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            for (var i = 0; i < Iterations; i++)
            {
                var candidate = $"amber-lantern-{7000 + i}";
                await using (var recorder = await RecorderChildProcess.StartAsync(dataDir, "--Nightjar:Power:AfterPasswordReset=Prompt"))
                {
                    using var console = recorder.CreateConsoleClient();
                    console.DefaultRequestHeaders.Add(RecoveryEndpoints.ConsoleHeader, "1");
                    var killPoint = random.Next(4);
                    requests.Add(await RunResetUntilKilledAsync(console, recorder, candidate, killPoint, TimeSpan.FromMilliseconds(random.Next(0, 80))));
                }

                var stored = await StoredHashAsync(dataDir);
                var oldWorks = await hasher.VerifyAsync(stored, current) != PasswordVerification.Mismatch;
                var newWorks = await hasher.VerifyAsync(stored, candidate) != PasswordVerification.Mismatch;
                Assert.True(oldWorks ^ newWorks, $"iteration {i}: old works {oldWorks}, new works {newWorks}");
                if (newWorks)
                {
                    current = candidate;
                    changed++;
                }

                await ForgetRequestTimesAsync(dataDir);
            }

            // Back up once more: every message ever queued is delivered to the pickup folder.
            await using (var last = await RecorderChildProcess.StartAsync(dataDir))
            {
                var waited = System.Diagnostics.Stopwatch.StartNew();
                while (await PendingMessagesAsync(dataDir) > 0 && waited.Elapsed < TimeSpan.FromSeconds(30))
                {
                    await Task.Delay(100);
                }
            }

            Assert.Equal(0, await PendingMessagesAsync(dataDir));
            await using var connection = await OpenDatabaseAsync(dataDir);
            // Every message ever queued is a row (it is queued in the transaction of what it reports): one Reset Password
            // per request the recorder answered (a request still under way after a kill is shown again, not re-sent),
            // one Password changed per completed reset, and every one delivered, in the pickup folder. Nothing is
            // left out of the count.
            var all = await connection.QueryAsync("SELECT id, purpose, state FROM outbox", r => (Id: r.GetInt64(0), Purpose: r.GetString(1), State: r.GetString(2)));
            Assert.Equal(requests.Count, all.Count(m => m.Purpose == "reset-password"));
            Assert.Equal(changed, all.Count(m => m.Purpose == "password-changed"));
            Assert.Equal(requests.Count + changed, all.Count);
            Assert.All(all, m =>
            {
                Assert.Equal(nameof(OutboxState.WrittenToPickup), m.State);
                Assert.True(File.Exists(Path.Combine(dataDir, "mail-pickup", $"message-{m.Id}.eml")), $"message {m.Id} ({m.Purpose}) is not in the pickup folder");
            });
            output.WriteLine($"{changed} of {Iterations} resets completed before the kill; {all.Count} messages delivered");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>
    /// Kill point 0: right after the request; 1: after the code is accepted; 2, 3: while the new password is being set.
    /// Returns the id of the request the recorder answered with.
    /// </summary>
    private static async Task<string> RunResetUntilKilledAsync(HttpClient console, RecorderChildProcess recorder, string candidate, int killPoint, TimeSpan delay)
    {
        var start = await console.PostAsync("/console/recovery/requests", null);
        start.EnsureSuccessStatusCode();
        var request = (await start.Content.ReadFromJsonAsync<RecoveryEndpoints.RequestBody>())!;
        if (killPoint == 0)
        {
            await Task.Delay(delay);
            await recorder.KillAsync();
            return request.RequestId;
        }

        var code = await ReadCodeAsync(request.FilePath!);
        var verify = await console.PostAsJsonAsync($"/console/recovery/requests/{request.RequestId}/verify", new { code });
        var ticket = (await verify.Content.ReadFromJsonAsync<RecoveryEndpoints.TicketBody>())!.Ticket;
        if (killPoint == 1)
        {
            await Task.Delay(delay);
            await recorder.KillAsync();
            return request.RequestId;
        }

        var completing = console.PostAsJsonAsync($"/console/recovery/requests/{request.RequestId}/complete",
            new { ticket, newPassword = candidate, confirmPassword = candidate });
        await Task.Delay(killPoint == 2 ? delay : delay * 8);
        await recorder.KillAsync();
        try
        {
            await completing;
        }
        catch (HttpRequestException)
        {
            // The connection died with the process: that is the point.
        }

        return request.RequestId;
    }

    private static async Task<string> ReadCodeAsync(string pickupFile)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(pickupFile))
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new TimeoutException($"{pickupFile} was not written.");
            }

            await Task.Delay(20);
        }

        return SecureCodeText.In(await File.ReadAllTextAsync(pickupFile));
    }

    private static async Task<SqliteConnection> OpenDatabaseAsync(string dataDir)
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir, "nightjar.db")}");
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<string> StoredHashAsync(string dataDir)
    {
        await using var connection = await OpenDatabaseAsync(dataDir);
        return (await connection.ExecuteScalarAsync<string>("SELECT password_hash FROM account WHERE user_name = 'admin'"))!;
    }

    private static async Task<long> PendingMessagesAsync(string dataDir)
    {
        await using var connection = await OpenDatabaseAsync(dataDir);
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE state IN ('Queued', 'Retrying')");
    }

    /// <summary>Moves earlier requests out of the hourly window, which a loop this fast would otherwise fill.</summary>
    private static async Task ForgetRequestTimesAsync(string dataDir)
    {
        await using var connection = await OpenDatabaseAsync(dataDir);
        await connection.ExecuteAsync("UPDATE reset_request SET created_utc = '2000-01-01T00:00:00.0000000Z'");
    }
}
