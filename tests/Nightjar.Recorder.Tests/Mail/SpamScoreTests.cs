using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Nightjar.Recorder.Identity;
using Nightjar.Recorder.Mail;
using Nightjar.Recorder.Recovery;
using Xunit;
using Xunit.Abstractions;

namespace Nightjar.Recorder.Tests.Mail;

/// <summary>
/// Deliverability, measured: the Reset Password message as the recorder writes it, scored by SpamAssassin's
/// local rules (Debian's spamassassin, installed by scripts/test). It must stay well clear of any Junk folder.
/// </summary>
public partial class SpamScoreTests(ITestOutputHelper output)
{
    [GeneratedRegex(@"score=(-?[0-9.]+) required=[0-9.]+\s+tests=([^\r\n]*(?:\r?\n\t[^\r\n]*)*)")]
    private static partial Regex StatusPattern();

    [Fact]
    public async Task ResetPasswordMessage_ScoresBelowOne_WithSpamAssassinLocalRules()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 14, 2, 0, TimeSpan.Zero));
        var options = new MailOptions { From = "Nightjar Recorder <recorder@nvr.example.com>" };
        var messages = new RecoveryMessages(new MailComposer(new FixedOptionsMonitor<MailOptions>(options), clock), clock);
        var device = new RecorderIdentity("NJ-7F3K-Q9D2", "Garage NVR", RecorderIdentityStore.Model, "0.1.0");
        var message = messages.ResetPassword("jane@example.com", device, "K7Q29MZD", clock.GetUtcNow(), clock.GetUtcNow().AddMinutes(30));
        var file = Path.Combine(Path.GetTempPath(), $"nightjar-reset-{Guid.NewGuid():N}.eml");
        await message.WriteToAsync(file);
        try
        {
            var start = new ProcessStartInfo("spamassassin") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("-L");
            start.ArgumentList.Add("-t");
            using var process = Process.Start(start)!;
            await process.StandardInput.WriteAsync(await File.ReadAllTextAsync(file));
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));

            var status = StatusPattern().Match(await stdout);
            Assert.True(status.Success, "no X-Spam-Status in spamassassin's output: " + await stderr);
            var score = double.Parse(status.Groups[1].Value, CultureInfo.InvariantCulture);
            output.WriteLine($"SpamAssassin score {score} (tests: {Regex.Replace(status.Groups[2].Value, @"\s+", " ")})");
            Assert.True(score < 1.0, $"score {score}: {status.Groups[2].Value}");
        }
        finally
        {
            File.Delete(file);
        }
    }
}
