using System.Net;
using Nightjar.Recorder.Recovery;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Security;

/// <summary>
/// Before setup has finished there is nothing to recover: Forgot Password must never set the first password (that
/// would skip the Recovery Key, the recovery email and the setup audit entry), on screen or over HTTP.
/// </summary>
public sealed class SetupFirstTests : IAsyncLifetime
{
    private TestRecorder recorder = null!;

    public async Task InitializeAsync() => recorder = await TestRecorder.StartAsync();

    public async Task DisposeAsync() => await recorder.DisposeAsync();

    [Theory]
    [InlineData("/console/recovery/requests")]
    [InlineData("/console/recovery/requests/resend")]
    [InlineData("/console/recovery/requests/recovery-key")]
    public async Task RecoveryOverHttp_BeforeSetup_IsRefused_AndWritesNoCode(string path)
    {
        using var console = recorder.CreateConsoleClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Add(RecoveryEndpoints.ConsoleHeader, "1");
        var response = await console.SendAsync(request);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("setup-not-complete", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(File.Exists(recorder.Get<PasswordRecovery>().CodeFilePath));
    }

    [Fact]
    public async Task TheRecoveryService_BeforeSetup_SaysNotSetUp_AndAResetCannotComplete()
    {
        var recovery = recorder.Get<PasswordRecovery>();
        Assert.IsType<RecoveryStart.NotSetUp>(await recovery.StartAsync());
        Assert.IsType<RecoveryStart.NotSetUp>(await recovery.StartWithRecoveryKeyAsync());
        Assert.IsType<RecoveryStart.NotSetUp>(await recovery.ResendAsync());
        Assert.IsType<ResetCompletion.NotVerified>(await recovery.CompleteAsync("any", "any-ticket", "amber-lantern-7305", "amber-lantern-7305"));
        Assert.False(await recorder.Get<Nightjar.Recorder.Setup.FirstBootSetup>().IsCompleteAsync());
    }
}
