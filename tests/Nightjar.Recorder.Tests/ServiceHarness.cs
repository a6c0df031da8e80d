using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Nightjar.Recorder.Hosting;
using Nightjar.Recorder.Recovery;

namespace Nightjar.Recorder.Tests;

/// <summary>
/// The recorder's services over a real SQLite file in a temporary folder, without the web host, and with a
/// <see cref="FakeTimeProvider"/> so tests move time instead of waiting for it.
/// </summary>
public sealed class ServiceHarness : IAsyncDisposable
{
    private readonly ServiceProvider provider;

    private ServiceHarness(ServiceProvider provider, string dataDir, FakeTimeProvider clock)
    {
        this.provider = provider;
        DataDir = dataDir;
        Clock = clock;
    }

    public string DataDir { get; }

    public FakeTimeProvider Clock { get; }

    /// <summary>The Recovery Key from setup, when the test ran setup.</summary>
    public string RecoveryKey { get; set; } = "";

    public T Get<T>() where T : notnull => provider.GetRequiredService<T>();

    /// <summary>Opens a Forgot Password request, first moving time on as far as the request limits ask.</summary>
    public async Task<RecoveryRequestView> StartRecoveryAsync(bool withRecoveryKey = false)
    {
        var recovery = Get<PasswordRecovery>();
        while (true)
        {
            switch (withRecoveryKey ? await recovery.StartWithRecoveryKeyAsync() : await recovery.StartAsync())
            {
                case RecoveryStart.Started started:
                    return started.Request;
                case RecoveryStart.RateLimited limited:
                    Clock.SetUtcNow(limited.Until);
                    break;
                case RecoveryStart.CoolingDown cooling:
                    Clock.SetUtcNow(cooling.Until);
                    break;
            }
        }
    }

    /// <param name="configure">Changes to the services before they are built.</param>
    /// <param name="onRamDisk">
    /// Put the data folder on /dev/shm when there is one: the same SQLite file and pragmas, but commits do not wait
    /// for the disk, for tests that make a hundred thousand of them.
    /// </param>
    public static async Task<ServiceHarness> StartAsync(Action<IServiceCollection>? configure = null, bool onRamDisk = false)
    {
        var root = onRamDisk && Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        var dataDir = Path.Combine(root, "nightjar-unit-" + Guid.NewGuid().ToString("N"));
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 14, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton(Options.Create(new RecorderOptions { DataDir = dataDir }));
        services.AddStorage().AddAccounts().AddAudit().AddIdentity().AddMail().AddRecovery().AddSetup();
        services.AddSingleton<StartupInitializer>();
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = true });
        await provider.GetRequiredService<StartupInitializer>().StartAsync(CancellationToken.None);
        return new ServiceHarness(provider, dataDir, clock);
    }

    public async ValueTask DisposeAsync()
    {
        await provider.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
