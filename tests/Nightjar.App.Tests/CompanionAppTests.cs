using Nightjar.Client;
using Nightjar.Recorder.Accounts;
using Nightjar.Recorder.Pairing;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.App.Tests;

/// <summary><c>nightjar-app</c> against the real recorder on loopback, over TLS with its real certificate.</summary>
public sealed class CompanionAppTests : IAsyncLifetime
{
    private const string NewPassword = "amber-lantern-7305";
    private TestRecorder recorder = null!;
    private string home = null!;
    private DeviceStore store = null!;

    public async Task InitializeAsync()
    {
        recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync();
        home = Path.Combine(Path.GetTempPath(), "nightjar-app-" + Guid.NewGuid().ToString("N"));
        store = new DeviceStore(home);
    }

    public async Task DisposeAsync()
    {
        await recorder.DisposeAsync();
        if (Directory.Exists(home))
        {
            Directory.Delete(home, recursive: true);
        }
    }

    private async Task<string> PairingUriAsync() => (await recorder.Get<PairingAddress>().GetAsync() with { Host = "127.0.0.1" }).ToString();

    private Task<(int Code, string Output, string Error)> RunAsync(string stdin, params string[] args) => AppRun.RunAsync(store, stdin, args);

    [Fact]
    public async Task Add_ThenStatus_IsOnline()
    {
        var add = await RunAsync(TestRecorder.AdminPassword + "\n", "add", await PairingUriAsync(), "--name", "home");
        Assert.Equal(Exit.Ok, add.Code);

        var status = await RunAsync("", "status", "home");
        Assert.Equal(Exit.Ok, status.Code);
        Assert.Contains("home: online", status.Output, StringComparison.Ordinal);
        var list = await RunAsync("", "list");
        Assert.Matches(@"home\t127\.0\.0\.1:\d+\tonline", list.Output);
        var stored = await File.ReadAllTextAsync(store.Path);
        Assert.DoesNotContain(TestRecorder.AdminPassword, stored, StringComparison.Ordinal);
        Assert.DoesNotContain((await store.FindAsync("home"))!.Token!, status.Output + list.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddingAgainUnderTheSameName_EndsTheOldToken_AndTheRecorderListsTheGivenName()
    {
        var uri = await PairingUriAsync();
        Assert.Equal(Exit.Ok, (await RunAsync(TestRecorder.AdminPassword + "\n", "add", uri, "--name", "home")).Code);
        var first = (await store.FindAsync("home"))!.Token!;
        Assert.Equal(Exit.Ok, (await RunAsync(TestRecorder.AdminPassword + "\n", "add", uri, "--name", "home")).Code);
        Assert.Equal(Exit.Ok, (await RunAsync(TestRecorder.AdminPassword + "\n", "login", "home")).Code);

        var apps = await recorder.Get<AppTokens>().ListAsync();
        var app = Assert.Single(apps);
        Assert.Equal($"home on {Environment.MachineName}", app.ClientName);
        Assert.IsType<TokenCheck.Invalid>(await recorder.Get<AppTokens>().CheckAsync(first));
        Assert.Equal(Exit.Ok, (await RunAsync("", "status", "home")).Code);
    }

    [Fact]
    public async Task WrongPassword_Exits4_ThenIsRateLimited()
    {
        var uri = await PairingUriAsync();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(Exit.WrongPassword, (await RunAsync("wrong-password\n", "add", uri, "--name", "home")).Code);
        }

        var limited = await RunAsync(TestRecorder.AdminPassword + "\n", "add", uri, "--name", "home");
        Assert.Equal(Exit.WrongPassword, limited.Code);
        Assert.Contains("Try again in", limited.Error, StringComparison.Ordinal);
        Assert.Null(await store.FindAsync("home"));
    }

    [Fact]
    public async Task AnAppThatSignedInBefore_LogsIn_WhileWrongPasswordsFromItsAddressAreLimited()
    {
        var uri = await PairingUriAsync();
        Assert.Equal(Exit.Ok, (await RunAsync(TestRecorder.AdminPassword + "\n", "add", uri, "--name", "home")).Code);
        Assert.NotNull((await store.FindAsync("home"))!.DeviceCookie);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(Exit.WrongPassword, (await RunAsync("wrong-password\n", "add", uri, "--name", "stranger")).Code);
        }

        Assert.Equal(Exit.WrongPassword, (await RunAsync(TestRecorder.AdminPassword + "\n", "add", uri, "--name", "stranger")).Code);

        var login = await RunAsync(TestRecorder.AdminPassword + "\n", "login", "home");
        Assert.Equal(Exit.Ok, login.Code);
    }

    [Fact]
    public async Task ADifferentCertificate_Exits2_CertificateMismatch()
    {
        await using var impostor = await TestRecorder.StartAsync();
        var pairing = (await recorder.Get<PairingAddress>().GetAsync()) with { Host = "127.0.0.1", Port = impostor.ApiUrl.Port };

        var add = await RunAsync(TestRecorder.AdminPassword + "\n", "add", pairing.ToString(), "--name", "home");

        Assert.Equal(Exit.UnreachableOrCertificate, add.Code);
        Assert.Contains("Certificate mismatch", add.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AfterAPasswordChange_StatusExits3_SaysWhen_ThenLoginInPlaceWorks()
    {
        await RunAsync(TestRecorder.AdminPassword + "\n", "add", await PairingUriAsync(), "--name", "home");
        Assert.True(await recorder.Get<AdminAccount>().ChangePasswordAsync(NewPassword, "test"));

        var first = await RunAsync("", "status", "home");
        Assert.Equal(Exit.PasswordChanged, first.Code);
        Assert.Contains("The recorder's password was changed on ", first.Output, StringComparison.Ordinal);
        Assert.Contains("Run `nightjar-app login home` with the new password.", first.Output, StringComparison.Ordinal);

        // The second status answers from what the app knows, without a request: stop the recorder to prove it.
        await recorder.StopAsync();
        var second = await RunAsync("", "status", "home");
        Assert.Equal(Exit.PasswordChanged, second.Code);
    }

    [Fact]
    public async Task Login_WithTheNewPassword_KeepsTheEntry_AndIsOnlineAgain()
    {
        await RunAsync(TestRecorder.AdminPassword + "\n", "add", await PairingUriAsync(), "--name", "home");
        Assert.True(await recorder.Get<AdminAccount>().ChangePasswordAsync(NewPassword, "test"));
        Assert.Equal(Exit.PasswordChanged, (await RunAsync("", "status", "home")).Code);

        Assert.Equal(Exit.WrongPassword, (await RunAsync(TestRecorder.AdminPassword + "\n", "login", "home")).Code);
        Assert.Equal(Exit.Ok, (await RunAsync(NewPassword + "\n", "login", "home")).Code);
        Assert.Equal(Exit.Ok, (await RunAsync("", "status", "home")).Code);
    }

    [Fact]
    public async Task Remove_ThenAdd_AlsoWorks()
    {
        var uri = await PairingUriAsync();
        await RunAsync(TestRecorder.AdminPassword + "\n", "add", uri, "--name", "home");

        Assert.Equal(Exit.Ok, (await RunAsync("", "remove", "home")).Code);
        Assert.Equal(Exit.Usage, (await RunAsync("", "status", "home")).Code);
        Assert.Equal(Exit.Ok, (await RunAsync(TestRecorder.AdminPassword + "\n", "add", uri, "--name", "home")).Code);
    }

    [Fact]
    public async Task RevokedOnTheConsole_TheAppIsSignedOut()
    {
        await RunAsync(TestRecorder.AdminPassword + "\n", "add", await PairingUriAsync(), "--name", "home");
        var app = Assert.Single(await recorder.Get<AppTokens>().ListAsync());

        await recorder.Get<AppTokens>().RevokeAsync(app.Id);

        var status = await RunAsync("", "status", "home");
        Assert.Equal(Exit.WrongPassword, status.Code);
        Assert.Contains("signed out", status.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecorderOff_Exits2_Offline()
    {
        await RunAsync(TestRecorder.AdminPassword + "\n", "add", await PairingUriAsync(), "--name", "home");
        await recorder.StopAsync();

        Assert.Equal(Exit.UnreachableOrCertificate, (await RunAsync("", "status", "home")).Code);
        Assert.Contains("offline", (await RunAsync("", "list")).Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("add")]
    [InlineData("add", "nightjar://pair?id=bad")]
    [InlineData("add", "https://example.com", "--name", "home")]
    [InlineData("status")]
    [InlineData("status", "nowhere")]
    [InlineData("login", "nowhere")]
    [InlineData("remove", "nowhere")]
    [InlineData("cameras", "nowhere")]
    [InlineData("snapshot", "nowhere", "Yard", "-o", "x.jpg")]
    [InlineData("export", "nowhere", "Yard", "--from", "yesterday", "--to", "today", "-o", "x.mp4")]
    [InlineData("export", "nowhere", "Yard", "--from", "2026-12-01T10:00:00Z", "--to", "2026-12-01T09:00:00Z", "-o", "x.mp4")]
    [InlineData("live", "nowhere", "Yard", "--stream", "third")]
    [InlineData("frobnicate")]
    public async Task Misuse_Exits1(params string[] args) =>
        Assert.Equal(Exit.Usage, (await RunAsync("x\n", args)).Code);

    [Theory]
    [InlineData("add")]
    [InlineData("list")]
    [InlineData("status")]
    [InlineData("login")]
    [InlineData("remove")]
    [InlineData("cameras")]
    [InlineData("snapshot")]
    [InlineData("export")]
    [InlineData("live")]
    [InlineData("exports")]
    public async Task EveryCommand_HasHelp(string command)
    {
        var help = await RunAsync("", command, "--help");
        Assert.Equal(Exit.Ok, help.Code);
        Assert.Contains("Usage", help.Output, StringComparison.Ordinal);
    }
}
