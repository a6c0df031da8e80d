using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Nightjar.Contracts;
using Nightjar.Recorder.Hosting;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Hosting;

/// <summary>
/// Storage faults and start failures as the owner meets them: a one-line reason, an exit code of its own (no
/// restart loop under systemd), 503 with the reason while running, and a /healthz that tells.
/// </summary>
public class StorageFaultTests
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);

    private static void AssertOneLineWithoutInternals(string standardError, string expected)
    {
        var lines = standardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines, l => l.StartsWith("Nightjar cannot start: ", StringComparison.Ordinal));
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", standardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", standardError, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", standardError, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Error)> StartAndWaitForExitAsync(string dataDir, params string[] args)
    {
        await using var child = RecorderChildProcess.Launch(dataDir, args);
        var code = await child.WaitForExitAsync(StartLimit);
        return (code, child.StandardError);
    }

    [Fact]
    public async Task ADamagedDatabase_StopsTheStart_WithOneLine_AndItsOwnExitCode()
    {
        var dataDir = TestRecorder.NewDataDir();
        Directory.CreateDirectory(dataDir);
        await File.WriteAllBytesAsync(Path.Combine(dataDir, "nightjar.db"), System.Security.Cryptography.RandomNumberGenerator.GetBytes(20_000));

        var (code, error) = await StartAndWaitForExitAsync(dataDir);

        Assert.Equal(StartFailure.DamagedDatabase, code);
        AssertOneLineWithoutInternals(error, $"a database in the data folder {dataDir} is damaged");
    }

    [Theory]
    [InlineData("--Nightjar:Recordings:FileSeconds=abc", "Nightjar:Recordings:FileSeconds must be a whole number (got 'abc').")]
    [InlineData("--Nightjar:Accounts:LockoutDuration=soon", "Nightjar:Accounts:LockoutDuration must be a duration such as 00:05:00")]
    [InlineData("--Nightjar:Console:LiveViewWhileLocked=maybe", "Nightjar:Console:LiveViewWhileLocked must be true or false (got 'maybe').")]
    [InlineData("--Nightjar:Power:RestartMode=Sometimes", "Nightjar:Power:RestartMode must be one of InProcess, Exit (got 'Sometimes').")]
    [InlineData("--Nightjar:Api:Url=https://nightjar.local:8443", "Nightjar:Api:Url must use an IP address or localhost")]
    public async Task AValueOfTheWrongType_IsNamedWithWhatTheKeyTakes_WithoutDotNetTypeNames(string setting, string expected)
    {
        var (code, error) = await StartAndWaitForExitAsync(TestRecorder.NewDataDir(), setting);

        Assert.Equal(StartFailure.ConfigurationError, code);
        AssertOneLineWithoutInternals(error, expected);
    }

    [Fact]
    public async Task APortInUse_StopsTheStart_NamingTheAddress()
    {
        using var squatter = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;

        var (code, error) = await StartAndWaitForExitAsync(TestRecorder.NewDataDir(), $"--Nightjar:Console:Url=http://127.0.0.1:{port}");

        Assert.Equal(StartFailure.ListenerUnavailable, code);
        AssertOneLineWithoutInternals(error, $"Failed to bind to address http://127.0.0.1:{port}: address already in use.");
    }

    [Fact]
    public async Task AnIPv4AddressWrittenAsIPv6_IsListenedOn()
    {
        var port = FreePort.Next();
        await using var child = RecorderChildProcess.Launch(TestRecorder.NewDataDir(), $"--Nightjar:Console:Url=http://[::ffff:7f00:1]:{port}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(2) };
        var waited = System.Diagnostics.Stopwatch.StartNew();
        HealthReport? health = null;
        while (health is null && waited.Elapsed < StartLimit)
        {
            try
            {
                health = await http.GetFromJsonAsync<HealthReport>("/healthz");
            }
            catch (HttpRequestException) when (waited.Elapsed < StartLimit)
            {
                Assert.False(await Task.Run(() => child.StandardError.Contains("cannot start", StringComparison.Ordinal)), child.StandardError);
                await Task.Delay(100);
            }
        }

        Assert.Equal(HealthEndpoint.Ok, health?.Status);
    }

    [SkippableFact]
    public async Task AFullDisk_AtStart_StopsTheStart_WithOneLine_AndItsOwnExitCode()
    {
        await using var disk = await TinyDisk.MountAsync(megabytes: 3);
        Skip.IfNot(disk.Mounted, TinyDisk.NeedsRoot);
        await disk.FillAsync(leaveBytes: 0);

        var (code, error) = await StartAndWaitForExitAsync(Path.Combine(disk.Path, "data"));

        Assert.Equal(StartFailure.DiskFull, code);
        AssertOneLineWithoutInternals(error, "is full. Free some space there");
    }

    [SkippableFact]
    public async Task AReadOnlyDisk_StopsTheStart_WithOneLine_AndItsOwnExitCode()
    {
        await using var disk = await TinyDisk.MountAsync(megabytes: 1, readOnly: true);
        Skip.IfNot(disk.Mounted, TinyDisk.NeedsRoot);

        var (code, error) = await StartAndWaitForExitAsync(Path.Combine(disk.Path, "data"));

        Assert.Equal(StartFailure.FolderNotWritable, code);
        AssertOneLineWithoutInternals(error, "cannot be written (Read-only file system");
    }

    [SkippableFact]
    public async Task AFullDisk_WhileRunning_Answers503WithTheReason_HealthzTells_AndItAllComesBackWithRoom()
    {
        await using var disk = await TinyDisk.MountAsync(megabytes: 24);
        Skip.IfNot(disk.Mounted, TinyDisk.NeedsRoot);
        await using var recorder = await TestRecorder.StartInAsync(Path.Combine(disk.Path, "data"), "--Nightjar:Recordings:MinFreeBytes=0");
        await recorder.CompleteSetupAsync();
        using var console = recorder.CreateConsoleClient();
        console.DefaultRequestHeaders.Add("X-Nightjar-Console", "1");
        using var api = recorder.CreateApiClient();

        var junk = await disk.FillAsync(leaveBytes: 0);
        var recovery = await console.PostAsync("/console/recovery/requests", null);
        var signIn = await api.PostAsJsonAsync("/api/v1/sessions", new SessionRequest("admin", TestRecorder.AdminPassword, "phone"));
        var health = await console.GetAsync("/healthz");

        foreach (var answer in new[] { recovery, signIn })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
            var problem = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(ProblemTypes.StorageUnavailable, problem.GetProperty("type").GetString());
            Assert.Contains("the disk holding the data folder is full", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.NotNull(answer.Headers.RetryAfter);
        }

        Assert.Equal(HttpStatusCode.OK, health.StatusCode); // SPEC: /healthz answers 200; the body tells
        var report = (await health.Content.ReadFromJsonAsync<HealthReport>())!;
        Assert.Equal(HealthEndpoint.StorageFaultStatus, report.Status);
        Assert.Equal("the disk holding the data folder is full", report.Problem);

        File.Delete(junk);
        Assert.Equal(HealthEndpoint.Ok, (await console.GetFromJsonAsync<HealthReport>("/healthz"))!.Status);
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/v1/sessions", new SessionRequest("admin", TestRecorder.AdminPassword, "phone"))).StatusCode);
    }
}
