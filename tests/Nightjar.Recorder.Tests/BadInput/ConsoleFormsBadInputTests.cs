using System.Text;
using Nightjar.Contracts;
using Nightjar.Recorder.Accounts;
using Nightjar.Recorder.Identity;
using Nightjar.Recorder.Mail;
using Nightjar.Recorder.Recovery;
using Nightjar.Recorder.Setup;
using Nightjar.Recorder.Storage;
using Nightjar.Recording.Storage;
using Xunit;
using Xunit.Abstractions;

namespace Nightjar.Recorder.Tests.BadInput;

/// <summary>
/// Every text case of the corpus typed into every field of every console form, through the services those forms
/// call (the Blazor handlers add nothing but the call): each answer comes within seconds, nothing throws, a
/// refusal says what is wrong, and a refused form writes nothing.
/// </summary>
public class ConsoleFormsBadInputTests(ITestOutputHelper output)
{
    private const string Password = "violet-comet-4821";
    // A login may wait up to 5 s for a hashing slot (Nightjar:Accounts:HashQueueTimeout) while other tests hash.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly RelaySettings GoodRelay = new("127.0.0.1", "2525", SmtpSecurity.None, "", "");

    private static IEnumerable<BadInputCase> Texts => BadInputCorpus.OfKind(BadInputCase.TextKind);

    private static async Task<ServiceHarness> SetUpAsync()
    {
        var harness = await ServiceHarness.StartAsync();
        var result = await harness.Get<FirstBootSetup>().CompleteAsync(new SetupRequest(Password, Password, "jane@example.com", GoodRelay));
        Assert.True(result.Succeeded);
        harness.RecoveryKey = result.RecoveryKey!;
        return harness;
    }

    [Fact]
    public void TheCorpus_HasAtLeast200Cases_OfEveryKind()
    {
        Assert.True(BadInputCorpus.All.Count >= 200, $"{BadInputCorpus.All.Count} cases");
        Assert.True(Texts.Count() >= 150);
        Assert.True(BadInputCorpus.OfKind(BadInputCase.BodyKind).Count() >= 40);
        Assert.NotEmpty(BadInputCorpus.OfKind(BadInputCase.SlowKind));
        Assert.Contains(Texts, c => c.Text().Length >= 1_000_000);
        Assert.Contains(Texts, c => c.Text().Any(char.IsSurrogate));
        Assert.Contains(Texts, c => c.Bytes().Contains((byte)0xFF));
    }

    [Fact]
    public async Task SetupWizard_AnswersEveryBadField_AndARefusalStoresNothing()
    {
        var failures = new List<string>();
        await using var harness = await ServiceHarness.StartAsync();
        var setup = harness.Get<FirstBootSetup>();
        foreach (var bad in Texts)
        {
            var text = bad.Text();
            var requests = new (string Field, SetupRequest Request)[]
            {
                ("password", new SetupRequest(text, text, "jane@example.com", GoodRelay)),
                ("confirmation", new SetupRequest(Password, text, "jane@example.com", GoodRelay)),
                ("email", new SetupRequest(Password, Password, text, GoodRelay)),
                ("relay host", new SetupRequest(Password, Password, "jane@example.com", GoodRelay with { Host = text })),
                ("relay port", new SetupRequest(Password, Password, "jane@example.com", GoodRelay with { Port = text })),
                ("relay user", new SetupRequest(Password, Password, "jane@example.com", GoodRelay with { Username = text, Password = "secret" })),
            };
            foreach (var (field, request) in requests)
            {
                // Validation alone: completing would end the wizard at the first accepted value.
                var errors = await Answer(() => Task.FromResult(FirstBootSetup.Validate(request)), failures, bad, field);
                if (errors is { Count: 0 })
                {
                    output.WriteLine($"accepted in setup {field}: {bad}");
                }
                else if (errors is not null && errors.Values.Any(string.IsNullOrWhiteSpace))
                {
                    failures.Add($"{bad} in {field}: a refusal without a message");
                }
            }

            // The whole form through the service, with the bad value where it is refused.
            var refused = requests.Where(r => FirstBootSetup.Validate(r.Request).Count > 0).ToList();
            foreach (var (field, request) in refused)
            {
                var result = await Answer(() => setup.CompleteAsync(request), failures, bad, field);
                if (result is { Succeeded: true })
                {
                    failures.Add($"{bad} in {field}: setup completed although validation refused it");
                }
            }
        }

        Assert.False(await setup.IsCompleteAsync());
        await AssertNothingStoredAsync(harness);
        Assert.Empty(failures);
    }

    [Fact]
    public async Task LoginDialog_RefusesEveryBadUserNameAndPassword()
    {
        var failures = new List<string>();
        await using var harness = await SetUpAsync();
        var login = harness.Get<ConsoleLogin>();
        var before = await AccountRowAsync(harness);
        foreach (var bad in Texts)
        {
            foreach (var (field, user, password) in new[] { ("user name", bad.Text(), Password), ("password", "admin", bad.Text()) })
            {
                var outcome = await Answer(() => login.LoginAsync(user, password), failures, bad, field);
                if (outcome is LoginOutcome.LockedOut locked)
                {
                    // Unlock and try again, so every value reaches the password check, not just the lockout.
                    harness.Clock.SetUtcNow(locked.Until);
                    outcome = await Answer(() => login.LoginAsync(user, password), failures, bad, field);
                }

                if (outcome is LoginOutcome.Succeeded)
                {
                    failures.Add($"{bad} in {field}: logged in");
                }
            }
        }

        var after = await AccountRowAsync(harness);
        Assert.Equal((before.Hash, before.Epoch), (after.Hash, after.Epoch));
        Assert.Empty(failures);
    }

    [Fact]
    public async Task ForgotPasswordDialog_RefusesEveryBadCodeAndPassword_AndChangesNothing()
    {
        var failures = new List<string>();
        await using var harness = await SetUpAsync();
        var recovery = harness.Get<PasswordRecovery>();
        var before = await AccountRowAsync(harness);

        var request = await harness.StartRecoveryAsync();
        foreach (var bad in Texts)
        {
            var check = await Answer(() => recovery.VerifyAsync(request.Id, bad.Text()), failures, bad, "Secure Code");
            if (check is CodeCheck.Accepted)
            {
                failures.Add($"{bad} as the Secure Code: accepted");
            }
            else if (check is CodeCheck.Burned)
            {
                request = await harness.StartRecoveryAsync();
            }

            if (await Answer(() => recovery.VerifyAsync(bad.Text(), "K7Q2-9MZD"), failures, bad, "request id") is not (null or CodeCheck.NotActive or CodeCheck.Empty))
            {
                failures.Add($"{bad} as a request id: not answered 'no longer valid'");
            }
        }

        // A verified reset (through the Recovery Key), then every bad value as the ticket and as the new password.
        // Many hostile strings are fine passwords ("' OR '1'='1" is printable and hard to guess): those may be
        // accepted, and must then be exactly the password that works. After every answer the account row is compared
        // with what it must be: unchanged after a refusal, the new hash and the next epoch after an acceptance.
        var current = Password;
        var expected = before;
        async Task<(string Id, string Ticket)> VerifiedAsync()
        {
            var keyRequest = await harness.StartRecoveryAsync(withRecoveryKey: true);
            return (keyRequest.Id, Assert.IsType<CodeCheck.Accepted>(await recovery.VerifyAsync(keyRequest.Id, harness.RecoveryKey)).Ticket);
        }

        var (id, ticket) = await VerifiedAsync();
        foreach (var bad in Texts)
        {
            var text = bad.Text();
            var wrongTicket = await Answer(() => recovery.CompleteAsync(id, text, "amber-lantern-7305", "amber-lantern-7305"), failures, bad, "ticket");
            if (wrongTicket is not (null or ResetCompletion.NotVerified))
            {
                failures.Add($"{bad} as the ticket: {wrongTicket}");
            }

            foreach (var (field, password, confirmation) in new[] { ("new password", text, text), ("confirmation", "amber-lantern-7305", text) })
            {
                var outcome = await Answer(() => recovery.CompleteAsync(id, ticket, password, confirmation), failures, bad, field);
                if (outcome is ResetCompletion.Invalid invalid && invalid.Errors.Values.Any(string.IsNullOrWhiteSpace))
                {
                    failures.Add($"{bad} in {field}: a refusal without a message");
                }
                else if (outcome is ResetCompletion.Succeeded succeeded)
                {
                    if (!PasswordPolicy.IsAcceptable(password, AdminAccount.UserName) || PasswordPolicy.Normalize(password) != PasswordPolicy.Normalize(confirmation))
                    {
                        failures.Add($"{bad} in {field}: a password the rules refuse was set");
                    }

                    var now = await AccountRowAsync(harness);
                    if (now.Epoch != expected.Epoch + 1
                        || await harness.Get<PasswordHasher>().VerifyAsync(now.Hash!, PasswordPolicy.Normalize(password)) != PasswordVerification.Match)
                    {
                        failures.Add($"{bad} in {field}: accepted, but the stored password is not exactly it");
                    }

                    expected = now;
                    current = password;
                    harness.RecoveryKey = succeeded.NewRecoveryKey!;
                    (id, ticket) = await VerifiedAsync();
                }
                else if (outcome is not (null or ResetCompletion.Invalid or ResetCompletion.Busy))
                {
                    failures.Add($"{bad} in {field}: {outcome}");
                }

                if (outcome is not ResetCompletion.Succeeded && await AccountRowAsync(harness) != expected)
                {
                    failures.Add($"{bad} in {field}: refused, but the account changed");
                    expected = await AccountRowAsync(harness);
                }
            }
        }

        var after = await AccountRowAsync(harness);
        Assert.Equal(PasswordVerification.Match, await harness.Get<PasswordHasher>().VerifyAsync(after.Hash!, PasswordPolicy.Normalize(current)));
        Assert.Equal(expected, after);
        Assert.Empty(failures);
    }

    [Fact]
    public async Task DeviceName_RefusesBadNames_AndStoresAcceptedOnesExactly()
    {
        var failures = new List<string>();
        await using var harness = await SetUpAsync();
        var devices = harness.Get<RecorderIdentityStore>();
        foreach (var bad in Texts)
        {
            var before = (await devices.GetAsync()).Name;
            var error = await Answer(() => devices.RenameAsync(bad.Text()), failures, bad, "device name");
            var now = (await devices.GetAsync()).Name;
            if (error is not null && now != before)
            {
                failures.Add($"{bad}: refused ({error}) but the name changed");
            }
            else if (error is null && now != bad.Text().Trim())
            {
                failures.Add($"{bad}: accepted but stored as '{now}'");
            }
            else if (error is null && !IsPrintable(now))
            {
                failures.Add($"{bad}: accepted a name with invisible or broken characters");
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task EmailSettings_RefuseBadRelayFields_AndSaveAcceptedOnesExactly()
    {
        var failures = new List<string>();
        await using var harness = await SetUpAsync();
        var store = harness.Get<MailRelaySettingsStore>();
        var database = harness.Get<Database>();
        foreach (var bad in Texts)
        {
            var text = bad.Text();
            foreach (var (field, settings) in new[]
            {
                ("host", GoodRelay with { Host = text }),
                ("port", GoodRelay with { Port = text }),
                ("user name", GoodRelay with { Username = text, Password = "secret" }),
                ("password", GoodRelay with { Username = "jane", Password = text }),
            })
            {
                var errors = await Answer(() => Task.FromResult(MailRelaySettingsStore.Validate(settings)), failures, bad, field);
                if (errors is null)
                {
                    continue;
                }

                if (errors.Count > 0)
                {
                    if (errors.Values.Any(string.IsNullOrWhiteSpace))
                    {
                        failures.Add($"{bad} in relay {field}: a refusal without a message");
                    }

                    continue;
                }

                await database.InTransactionAsync(async (connection, transaction) =>
                {
                    await store.SaveAsync(connection, transaction, settings);
                    return true;
                });
                var saved = (await store.GetEffectiveAsync()).Settings;
                if (saved != settings with { Host = settings.Host.Trim(), Port = settings.Port.Trim() })
                {
                    failures.Add($"{bad} in relay {field}: accepted but read back differently");
                }
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public void PairingUri_RefusesEveryBadValue_WithAReason()
    {
        var failures = new List<string>();
        foreach (var bad in Texts)
        {
            try
            {
                if (PairingUri.TryParse(bad.Text(), out _, out var error) || error.Length == 0)
                {
                    failures.Add($"{bad}: parsed, or refused without a reason");
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failures.Add($"{bad}: threw {e.GetType().Name}: {e.Message}");
            }
        }

        Assert.Empty(failures);
    }

    /// <summary>Runs one form submission: it must answer within seconds and must not throw.</summary>
    private static async Task<T?> Answer<T>(Func<Task<T>> submit, List<string> failures, BadInputCase bad, string field)
    {
        try
        {
            return await submit().WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            failures.Add($"{bad} in {field}: no answer within {Patience.TotalSeconds} s");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            failures.Add($"{bad} in {field}: threw {e.GetType().Name}: {e.Message}");
        }

        return default;
    }

    /// <summary>Every character visible or a plain space, and valid UTF-16 (an unpaired surrogate becomes U+FFFD on a round trip through UTF-8).</summary>
    private static bool IsPrintable(string text) =>
        System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(text)) == text
        && !text.EnumerateRunes().Any(r => Rune.IsControl(r) || Rune.GetUnicodeCategory(r)
            is System.Globalization.UnicodeCategory.Format or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator);

    private static async Task<(string? Hash, long Epoch)> AccountRowAsync(ServiceHarness harness)
    {
        await using var connection = await harness.Get<Database>().OpenAsync();
        return await connection.QuerySingleAsync("SELECT password_hash, credential_epoch FROM account WHERE user_name = 'admin'", r => (r.GetStringOrNull(0), r.GetInt64(1)));
    }

    private static async Task AssertNothingStoredAsync(ServiceHarness harness)
    {
        await using var connection = await harness.Get<Database>().OpenAsync();
        Assert.Null(await connection.ExecuteScalarAsync<string?>("SELECT password_hash FROM account"));
        Assert.Null(await connection.ExecuteScalarAsync<string?>("SELECT email FROM recovery"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM setting"));
        Assert.Equal("ok", await connection.ExecuteScalarAsync<string>("PRAGMA integrity_check"));
    }
}
