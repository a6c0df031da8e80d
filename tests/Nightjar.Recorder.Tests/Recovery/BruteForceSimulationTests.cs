using Nightjar.Recorder.Mail;
using Nightjar.Recorder.Recovery;
using Nightjar.Recorder.Security;
using Nightjar.Recorder.Setup;
using Xunit;
using Xunit.Abstractions;

namespace Nightjar.Recorder.Tests.Recovery;

/// <summary>
/// An attacker at the screen who cannot read the mailbox, guessing Secure Codes through the real service layer
/// and the real SQLite file, with time moved forward exactly as fast as the limits allow. docs/security.md
/// bounds them at a × r × 24 = 5 × 5 × 24 = 600 guesses a day; this measures it.
/// </summary>
public class BruteForceSimulationTests(ITestOutputHelper output)
{
    private const int GuessesPerCode = 5;
    private const int RequestsPerHour = 5;
    private const double BoundPerDay = GuessesPerCode * RequestsPerHour * 24.0;

    [Fact]
    public async Task AHundredThousandGuesses_NeverSucceed_AndRunAtTheDocumentedRate()
    {
        var target = int.TryParse(Environment.GetEnvironmentVariable("NIGHTJAR_BRUTE_FORCE_GUESSES"), out var n) ? n : 100_000;
        await using var harness = await ServiceHarness.StartAsync(onRamDisk: true);
        var setup = await harness.Get<FirstBootSetup>().CompleteAsync(new SetupRequest(
            "violet-comet-4821", "violet-comet-4821", "jane@example.com", new RelaySettings("127.0.0.1", "2525", SmtpSecurity.None, "", "")));
        Assert.True(setup.Succeeded);
        var recovery = harness.Get<PasswordRecovery>();

        var started = harness.Clock.GetUtcNow();
        var guesses = 0;
        var successes = 0;
        var requests = 0;
        while (guesses < target)
        {
            var request = await harness.StartRecoveryAsync();
            requests++;
            var open = true;
            while (open)
            {
                var check = await recovery.VerifyAsync(request.Id, Crockford32.Random(SecureCode.Symbols));
                guesses++;
                switch (check)
                {
                    case CodeCheck.Accepted:
                        successes++;
                        open = false;
                        break;
                    case CodeCheck.Wrong:
                        break;
                    case CodeCheck.Burned:
                        open = false;
                        break;
                    default:
                        Assert.Fail($"Unexpected answer to a guess on a fresh request: {check}");
                        break;
                }
            }
        }

        var days = (harness.Clock.GetUtcNow() - started).TotalDays;
        var perDay = guesses / days;
        output.WriteLine($"{guesses} guesses on {requests} codes over {days:F2} simulated days: {perDay:F1} guesses/day (bound {BoundPerDay}); {successes} successes");
        Assert.Equal(0, successes);
        Assert.Equal(GuessesPerCode, (double)guesses / requests);

        // The hourly windows begun between the first request and the last: a × r guesses in each, and no more.
        var windows = Math.Floor((harness.Clock.GetUtcNow() - started).TotalHours) + 1;
        Assert.InRange(guesses, GuessesPerCode * RequestsPerHour * windows * 0.99, GuessesPerCode * RequestsPerHour * windows);
        Assert.InRange(perDay, BoundPerDay * 0.99, BoundPerDay * 1.01);
    }
}
