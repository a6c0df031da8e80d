using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Nightjar.Recorder.Hosting;
using Nightjar.Recorder.Mail;
using Nightjar.Recorder.Setup;

namespace Nightjar.TestSupport;

/// <summary>
/// A real recorder for a test: the real process loop and Kestrel on free loopback ports, a real SQLite file in a
/// temporary data folder. Reboots requested through the console really restart the host on the same ports.
/// </summary>
public sealed class TestRecorder : IAsyncDisposable
{
    public const string AdminPassword = "violet-comet-4821";

    private readonly CancellationTokenSource stop = new();
    private readonly RecorderProcess process;
    private bool ownsDataDir;
    private bool disposed;

    private TestRecorder(string dataDir, int consolePort, int apiPort, string[] extraArgs)
    {
        DataDir = dataDir;
        ConsoleUrl = new Uri($"http://127.0.0.1:{consolePort}");
        ApiUrl = new Uri($"https://127.0.0.1:{apiPort}");
        string[] args =
        [
            $"--Nightjar:DataDir={dataDir}",
            $"--Nightjar:Console:Url={ConsoleUrl.ToString().TrimEnd('/')}",
            $"--Nightjar:Api:Url={ApiUrl.ToString().TrimEnd('/')}",
            "--Logging:LogLevel:Default=Warning",
            .. extraArgs,
        ];
        process = new RecorderProcess(args);
        Exit = Task.Run(() => process.RunAsync(stop.Token));
    }

    public string DataDir { get; }

    public Uri ConsoleUrl { get; }

    public Uri ApiUrl { get; }

    /// <summary>Completes with the process exit code when the recorder stops for good.</summary>
    public Task<int> Exit { get; }

    /// <summary>The services of the host running now (a reboot replaces them).</summary>
    public IServiceProvider Services => (process.Current ?? throw new InvalidOperationException("The recorder is between hosts.")).Services;

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public static async Task<TestRecorder> StartAsync(params string[] extraArgs)
    {
        var recorder = await StartInAsync(NewDataDir(), extraArgs);
        recorder.ownsDataDir = true;
        return recorder;
    }

    /// <summary>Starts on a data folder the caller owns: it is left in place on dispose.</summary>
    public static async Task<TestRecorder> StartInAsync(string dataDir, params string[] extraArgs)
    {
        var recorder = new TestRecorder(dataDir, FreePort.Next(), FreePort.Next(), extraArgs);
        await recorder.WaitUntilHealthyAsync();
        return recorder;
    }

    public static string NewDataDir() => Path.Combine(Path.GetTempPath(), "nightjar-test-" + Guid.NewGuid().ToString("N"));

    /// <summary>Runs first-boot setup through the real service, as the wizard does; with a relay when one is given.</summary>
    public async Task<string> CompleteSetupAsync(string email = "owner@example.com", LoopbackSmtpServer? relay = null)
    {
        var relaySettings = relay is null
            ? RelaySettings.None
            : new RelaySettings("127.0.0.1", relay.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), SmtpSecurity.None, "", "");
        var result = await Get<FirstBootSetup>().CompleteAsync(
            new SetupRequest(AdminPassword, AdminPassword, email, relaySettings));
        return result.RecoveryKey ?? throw new InvalidOperationException("Setup did not complete: " + string.Join("; ", result.Errors.Values));
    }

    public HttpClient CreateConsoleClient(bool followRedirects = false) =>
        new(new HttpClientHandler { AllowAutoRedirect = followRedirects, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = ConsoleUrl,
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>An API client that trusts exactly this recorder's certificate.</summary>
    public HttpClient CreateApiClient()
    {
        var fingerprint = Get<DeviceCertificate>().Sha256Fingerprint;
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
                certificate is not null
                && string.Equals(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(certificate.RawData)), fingerprint, StringComparison.Ordinal),
        };
        return new HttpClient(handler) { BaseAddress = ApiUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task<HealthReport> WaitUntilHealthyAsync(string? notBootId = null)
    {
        using var client = new HttpClient { BaseAddress = ConsoleUrl, Timeout = TimeSpan.FromSeconds(5) };
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            if (Exit.IsCompleted)
            {
                throw new InvalidOperationException($"The recorder exited with code {await Exit}.");
            }

            try
            {
                var health = await client.GetFromJsonAsync<HealthReport>("/healthz");
                if (health is not null && health.BootId != notBootId && process.Current is not null)
                {
                    return health;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (waited.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException("The recorder did not become healthy within 60 s.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Stops the recorder as its service would be stopped, keeping its data folder (and so its files) until disposal:
    /// for a test of what an app sees while the recorder is off.
    /// </summary>
    public async Task StopAsync()
    {
        if (!stop.IsCancellationRequested)
        {
            await stop.CancelAsync();
        }

        await Exit.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        await StopAsync();
        stop.Dispose();
        if (!ownsDataDir)
        {
            return;
        }

        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a pooled SQLite connection: the temp folder is cleaned by the OS later.
        }
    }
}
