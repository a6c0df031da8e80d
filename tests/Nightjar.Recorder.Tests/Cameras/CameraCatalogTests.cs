using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nightjar.Recorder.Cameras;
using Nightjar.Recorder.Storage;
using Nightjar.Recording.Storage;
using Xunit;

namespace Nightjar.Recorder.Tests.Cameras;

public sealed class CameraCatalogTests
{
    [Fact]
    public async Task ACameraPassword_IsStoredEncrypted_NeverInTheDatabaseFile_AndReachesTheEngine()
    {
        const string secret = "tangerine-otter-5519";
        await using var harness = await CameraHarness.StartAsync();
        var saved = await harness.Catalog.SaveAsync(null, new CameraForm("Porch", "rtsp://127.0.0.1:1/stream1", "", "viewer", secret));
        Assert.NotNull(saved.Saved);
        Assert.True(saved.Saved.HasPassword);
        Assert.Equal("", saved.Form.Password); // never shown back

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(harness.Services.DataDir, "nightjar.db*"))
        {
            Assert.DoesNotContain(secret, Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file)), StringComparison.Ordinal);
        }

        // Editing without typing a password keeps it; the engine is handed the decrypted password.
        var edited = await harness.Catalog.SaveAsync(saved.Saved.Id, saved.Saved.ToForm() with { Name = "Back Porch" });
        Assert.True(edited.Saved!.HasPassword);
        var probe = await harness.Catalog.TestAsync(saved.Saved.Id, edited.Form, CancellationToken.None);
        Assert.Equal("camera unreachable", probe.Result?.Problem?.Text);
    }

    [Fact]
    public async Task EditingTheHost_AsksForThePasswordAgain_AndTheSavedOneNeverReachesTheNewHost()
    {
        const string secret = "CamSecret-77";
        using var chosenByTheEditor = new RtspLoginListener("127.0.0.2");
        await using var harness = await CameraHarness.StartAsync();
        var saved = (await harness.Catalog.SaveAsync(null,
            new CameraForm("Porch", $"rtsp://127.0.0.1:{chosenByTheEditor.Port}/stream1", "", "camuser", secret))).Saved!;
        var edited = saved.ToForm() with { StreamUrl = $"rtsp://127.0.0.2:{chosenByTheEditor.Port}/stream1" };

        var test = await harness.Catalog.TestAsync(saved.Id, edited, CancellationToken.None);
        var save = await harness.Catalog.SaveAsync(saved.Id, edited);

        Assert.Empty(chosenByTheEditor.Requests); // nothing was sent there, not even a request without the password
        Assert.Null(test.Result);
        Assert.Null(save.Saved);
        Assert.StartsWith("Enter the password again: the address changed", test.Errors[CameraField.Password], StringComparison.Ordinal);
        Assert.Equal(test.Errors[CameraField.Password], save.Errors[CameraField.Password]);
        Assert.Equal(saved.StreamUrl, (await harness.Catalog.ListAsync()).Single().StreamUrl); // still recording the camera it was

        // Typed again, the password is the owner's choice for this host, and Test tries it there.
        var retyped = await harness.Catalog.TestAsync(saved.Id, edited with { Password = "typed-for-this-host" }, CancellationToken.None);
        Assert.Equal("wrong user name or password", retyped.Result?.Problem?.Text);
        Assert.NotNull(await chosenByTheEditor.WaitForAsync(r => r.EndsWith("| Basic camuser:typed-for-this-host", StringComparison.Ordinal)));
        Assert.DoesNotContain(chosenByTheEditor.Requests, r => r.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CredentialsInTheUrlQuery_AreNotShownLoggedOrStoredInTheClear_AndReachOnlyTheCamera()
    {
        const string secret = "Secret123";
        using var camera = new RtspLoginListener();
        await using var harness = await CameraHarness.StartAsync();
        // A connection of the test's own, outside the pools, so that another test clearing every pool cannot make it
        // the last one to close, which would checkpoint the WAL before it is read (the check would then prove nothing).
        var keeper = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(harness.Services.DataDir, "nightjar.db")};Pooling=False");
        await keeper.OpenAsync();

        var saved = await harness.Catalog.SaveAsync(null,
            new CameraForm("Gate", $"rtsp://127.0.0.1:{camera.Port}/live?channel=1&user=admin&password={secret}", "", "", ""));

        var shown = $"rtsp://127.0.0.1:{camera.Port}/live?channel=1&user=&password=";
        Assert.Equal((shown, "admin", "", true), (saved.Form.StreamUrl, saved.Form.UserName, saved.Form.Password, saved.Saved!.HasPassword));
        Assert.Equal(shown, (await harness.Catalog.ListAsync()).Single().ToForm().StreamUrl);
        var log = (await harness.Services.Get<Nightjar.Recorder.Audit.AuditLog>().ReadRecentAsync(10)).Select(e => e.Detail).ToList();
        Assert.Contains($"Camera \"Gate\" added ({shown}).", log);

        // The recorder connects with the credentials back in the query, where this camera takes them.
        Assert.NotNull(await camera.WaitForAsync(r => r.Contains($"/live?channel=1&user=admin&password={secret} RTSP/1.0", StringComparison.Ordinal)));
        var test = await harness.Catalog.TestAsync(saved.Saved.Id, saved.Form, CancellationToken.None);
        Assert.DoesNotContain(secret, test.Form.StreamUrl, StringComparison.Ordinal);

        await AssertNotInTheDatabaseFilesAsync(harness, secret, keeper: keeper);
    }

    [Fact]
    public async Task ACameraSavedBeforeWithCredentialsInItsQuery_HasThemMovedOutAtStart_AndRecordsAsBefore()
    {
        const string secret = "OldSecret-42";
        using var camera = new RtspLoginListener();
        await using var harness = await CameraHarness.StartAsync();
        var url = $"rtsp://127.0.0.1:{camera.Port}/live?channel=1&user=admin&pwd={secret}";
        await using (var connection = await harness.Services.Get<Database>().OpenAsync())
        {
            // As an older version saved it: the URL as typed, nothing encrypted.
            await SqliteCommands.ExecuteAsync(connection,
                "INSERT INTO camera (id, name, stream_url, user_name, created_utc) VALUES ('cam-old', 'Gate', @Url, '', @Now)",
                new { Url = url, Now = harness.Services.Clock.GetUtcNow() });
        }

        Assert.Contains(Directory.GetFiles(harness.Services.DataDir, "nightjar.db*"),
            file => Encoding.Latin1.GetString(File.ReadAllBytes(file)).Contains(secret, StringComparison.Ordinal)); // the check below can see it

        await new CameraStartup(harness.Catalog).StartAsync(CancellationToken.None);

        var gate = (await harness.Catalog.ListAsync()).Single();
        Assert.Equal(($"rtsp://127.0.0.1:{camera.Port}/live?channel=1&user=&pwd=", "admin", true), (gate.StreamUrl.AbsoluteUri, gate.UserName, gate.HasPassword));
        Assert.NotNull(await camera.WaitForAsync(r => r.Contains($"/live?channel=1&user=admin&pwd={secret} RTSP/1.0", StringComparison.Ordinal)));
        await AssertNotInTheDatabaseFilesAsync(harness, secret, walExpected: false);
    }

    /// <summary>
    /// Reads the raw bytes of nightjar.db and its WAL while connections are open, and again after they closed
    /// (checkpointed); <paramref name="keeper"/>, a connection that kept the WAL from a checkpoint so far, closes between.
    /// </summary>
    private static async Task AssertNotInTheDatabaseFilesAsync(CameraHarness harness, string secret, bool walExpected = true,
        Microsoft.Data.Sqlite.SqliteConnection? keeper = null)
    {
        var walRead = false;
        for (var pass = 0; pass < 2; pass++)
        {
            foreach (var file in Directory.GetFiles(harness.Services.DataDir, "nightjar.db*"))
            {
                walRead |= file.EndsWith("-wal", StringComparison.Ordinal) && new FileInfo(file).Length > 0;
                Assert.DoesNotContain(secret, Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file)), StringComparison.Ordinal);
            }

            if (keeper is not null)
            {
                await keeper.DisposeAsync();
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }

        Assert.True(walRead || !walExpected, "the WAL was read while it held the camera's rows");
    }

    [Fact]
    public async Task AKeyFileThatWasReplaced_LeavesTheCameraWithoutAPassword_NotTheRecorderDown()
    {
        await using var harness = await CameraHarness.StartAsync();
        var saved = (await harness.Catalog.SaveAsync(null, new CameraForm("Porch", "rtsp://127.0.0.1:1/s", "", "viewer", "secret-9"))).Saved!;
        var other = new Nightjar.Recorder.Security.SecretProtector(Options.Create(new Nightjar.Recorder.Hosting.RecorderOptions { DataDir = Path.Combine(Path.GetTempPath(), "nightjar-other-" + Guid.NewGuid().ToString("N")) }));
        var cipher = other.Protect(CameraStore.PasswordPurpose(saved.Id), "secret-9");

        Assert.Null(harness.Services.Get<Nightjar.Recorder.Security.SecretProtector>().Unprotect(CameraStore.PasswordPurpose(saved.Id), cipher));
        Assert.Null(harness.Services.Get<Nightjar.Recorder.Security.SecretProtector>().Unprotect(CameraStore.PasswordPurpose("cam-other"),
            harness.Services.Get<Nightjar.Recorder.Security.SecretProtector>().Protect(CameraStore.PasswordPurpose(saved.Id), "x")));
    }

    [Fact]
    public async Task ListingCameras_DecryptsNoPassword_OnlyConnectingDoes()
    {
        var logged = new KeptLog();
        await using var harness = await CameraHarness.StartAsync(s => s.AddSingleton<ILoggerProvider>(logged));
        var saved = (await harness.Catalog.SaveAsync(null, new CameraForm("Porch", "rtsp://127.0.0.1:1/s", "", "viewer", "secret-9"))).Saved!;
        // A cipher that cannot be opened: every attempt to decrypt it says so in the log.
        await using (var connection = await harness.Services.Get<Database>().OpenAsync())
        {
            await connection.ExecuteAsync("UPDATE camera SET password_cipher = x'01020304' WHERE id = @Id", new { saved.Id });
        }

        for (var reading = 0; reading < 3; reading++)
        {
            await harness.Catalog.ListAsync();
            await harness.Catalog.NamesAsync();
        }

        var whileListing = logged.Count("cannot be decrypted");
        await harness.Catalog.TestAsync(saved.Id, saved.ToForm(), CancellationToken.None);

        Assert.Equal(0, whileListing);
        Assert.Equal(1, logged.Count("cannot be decrypted"));
    }

    /// <summary>A logger provider that keeps every message, to count what was said.</summary>
    private sealed class KeptLog : ILoggerProvider, ILogger
    {
        private readonly List<string> messages = [];

        public int Count(string words)
        {
            lock (messages)
            {
                return messages.Count(m => m.Contains(words, StringComparison.Ordinal));
            }
        }

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (messages)
            {
                messages.Add(formatter(state, exception));
            }
        }

        public void Dispose()
        {
        }
    }

    [Fact]
    public async Task SixteenCamerasFillTheChannels_AndASeventeenthIsRefused()
    {
        await using var harness = await CameraHarness.StartAsync();
        for (var i = 1; i <= CameraCatalog.MaxCameras; i++)
        {
            Assert.NotNull((await harness.Catalog.SaveAsync(null, new CameraForm($"Camera {i}", $"rtsp://127.0.0.1:1/{i}", "", "", ""))).Saved);
        }

        var refused = await harness.Catalog.SaveAsync(null, new CameraForm("One more", "rtsp://127.0.0.1:1/x", "", "", ""));
        Assert.Null(refused.Saved);
        Assert.Contains("All 16 channels", refused.Errors[CameraField.Form], StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(1, 16), (await harness.Catalog.ListAsync()).Select(c => c.Channel));
        Assert.Equal(16, harness.Engine.Streams.Count);
    }

    [Fact]
    public void CamerasFromConfiguration_AreValidatedNamingTheKey()
    {
        var options = new CamerasOptions();
        options.Cameras["0"] = new ConfiguredCamera { Name = "Gate", StreamUrl = "file:///etc/passwd" };
        options.Cameras["one"] = new ConfiguredCamera { Name = "Yard", StreamUrl = "rtsp://192.168.1.5/s" };
        options.Cameras["2"] = new ConfiguredCamera { Name = "", StreamUrl = "rtsp://192.168.1.6/s" };

        var failures = new CamerasOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.Contains(failures, f => f.StartsWith("Nightjar:Cameras:0:StreamUrl: Only rtsp://", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Nightjar:Cameras:one: number the cameras", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Nightjar:Cameras:2:Name:", StringComparison.Ordinal));
    }

    [Fact]
    public void ConfiguredOnvifAddresses_AreOnTheStreamsHost_AndCameraMotionNeedsOne()
    {
        var options = new CamerasOptions();
        options.Cameras["0"] = new ConfiguredCamera { Name = "Gate", StreamUrl = "rtsp://192.168.1.5/s", OnvifAddress = "192.168.1.5:8000" };
        options.Cameras["1"] = new ConfiguredCamera { Name = "Yard", StreamUrl = "rtsp://192.168.1.6/s", OnvifAddress = "192.168.1.99" };
        options.Cameras["2"] = new ConfiguredCamera { Name = "Door", StreamUrl = "rtsp://192.168.1.7/s", OnvifAddress = "ftp://192.168.1.7/" };
        options.Cameras["3"] = new ConfiguredCamera { Name = "Drive", StreamUrl = "rtsp://192.168.1.8/s", Motion = new ConfiguredMotion { From = "Camera" } };
        options.Cameras["4"] = new ConfiguredCamera { Name = "Shed", StreamUrl = "rtsp://192.168.1.9/s", Motion = new ConfiguredMotion { From = "Sky" } };

        var failures = new CamerasOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.DoesNotContain(failures, f => f.StartsWith("Nightjar:Cameras:0:", StringComparison.Ordinal));
        Assert.Contains("Nightjar:Cameras:1:OnvifAddress: must be on the Stream URL's host, the one the camera's password is for.", failures);
        Assert.Contains(failures, f => f.StartsWith("Nightjar:Cameras:2:OnvifAddress: takes the camera's ONVIF address", StringComparison.Ordinal));
        Assert.Contains("Nightjar:Cameras:3:Motion:From: Camera needs the camera's OnvifAddress.", failures);
        Assert.Contains("Nightjar:Cameras:4:Motion:From: takes Nightjar or Camera (got 'Sky').", failures);
        Assert.Equal(4, failures.Count);
    }

    [Fact]
    public async Task DatabaseRows_AreKeptForTheirTimeThenDeleted()
    {
        await using var harness = await ServiceHarness.StartAsync();
        var database = harness.Get<Database>();
        var now = harness.Clock.GetUtcNow();
        await database.InTransactionAsync(async (connection, transaction) =>
        {
            foreach (var (days, state) in new[] { (31, "Sent"), (29, "Sent"), (40, "Retrying") })
            {
                await SqliteCommands.ExecuteAsync(connection,
                    """
                    INSERT INTO outbox (purpose, recipient, subject, content, sensitive, created_utc, not_after_utc, state, next_attempt_utc)
                    VALUES ('test', 'jane@example.com', 'x', NULL, 0, @At, @At, @State, @At)
                    """, new { At = now.AddDays(-days), State = state }, transaction);
            }

            foreach (var days in new[] { 366, 364 })
            {
                await SqliteCommands.ExecuteAsync(connection, "INSERT INTO audit_log (at_utc, event, detail) VALUES (@At, 'LoginSucceeded', 'x')",
                    new { At = now.AddDays(-days) }, transaction);
            }

            return true;
        });

        var (_, mail, audit, _) = await harness.Get<DatabaseRetention>().PruneAsync();

        Assert.Equal((1, 1), (mail, audit));
        await using var check = await database.OpenAsync();
        Assert.Equal(2, await SqliteCommands.ExecuteScalarAsync<int>(check, "SELECT COUNT(*) FROM outbox"));
        harness.Clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(1, (await harness.Get<DatabaseRetention>().PruneAsync()).Mail); // the 29-day one is 31 days old now; Retrying stays
    }

    [Fact]
    public async Task EndedAppTokens_DoNotPileUp()
    {
        await using var harness = await ServiceHarness.StartAsync();
        var database = harness.Get<Database>();
        var now = harness.Clock.GetUtcNow();
        var current = harness.Get<Nightjar.Recorder.Accounts.CredentialEpoch>().Current;
        var rows = new (string Name, long Epoch, int SeenDaysAgo, int? RevokedDaysAgo, bool Kept)[]
        {
            ("revoked a month ago", current, 40, 31, false),
            ("revoked last week", current, 40, 7, true),
            ("from before a password change, unseen 91 days", current - 1, 91, null, false),
            ("from before a password change, seen 89 days ago", current - 1, 89, null, true),
            ("current, unseen for 200 days", current, 200, null, true),
        };
        await using (var connection = await database.OpenAsync())
        {
            foreach (var row in rows)
            {
                await SqliteCommands.ExecuteAsync(connection,
                    """
                    INSERT INTO app_token (token_hash, client_name, credential_epoch, created_utc, last_seen_utc, revoked_utc)
                    VALUES (@Name, @Name, @Epoch, @Seen, @Seen, @Revoked)
                    """,
                    new { row.Name, row.Epoch, Seen = now.AddDays(-row.SeenDaysAgo), Revoked = row.RevokedDaysAgo is { } d ? now.AddDays(-d) : (DateTimeOffset?)null });
            }
        }

        var (_, _, _, tokens) = await harness.Get<DatabaseRetention>().PruneAsync();

        Assert.Equal(rows.Count(r => !r.Kept), tokens);
        await using var check = await database.OpenAsync();
        var left = (await SqliteCommands.QueryAsync(check, "SELECT client_name FROM app_token", r => r.GetString(0))).Order(StringComparer.Ordinal);
        Assert.Equal(rows.Where(r => r.Kept).Select(r => r.Name).Order(StringComparer.Ordinal), left);
    }
}
