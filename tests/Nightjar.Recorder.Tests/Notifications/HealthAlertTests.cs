using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Nightjar.Recorder.Cameras;
using Nightjar.Recorder.Events;
using Nightjar.Recorder.Hosting;
using Nightjar.Recorder.Notifications;
using Nightjar.Recorder.Storage;
using Nightjar.Recording;
using Nightjar.Recording.Storage;
using Xunit;

namespace Nightjar.Recorder.Tests.Notifications;

/// <summary>Alerts about the recorder's own health: a camera offline for a minute is said once, on the recorder's clock.</summary>
public sealed class HealthAlertTests
{
    [Fact]
    public async Task ACameraOfflineForAMinute_IsAlertedOnce_NotBefore()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 14, 0, 0, TimeSpan.Zero));
        var recordings = Path.Combine(Path.GetTempPath(), "nightjar-health-" + Guid.NewGuid().ToString("N"));
        await using var engine = await RecordingEngine.StartAsync(new RecordingEngineOptions { Dir = recordings, MinFreeBytes = 0 }, clock, NullLoggerFactory.Instance);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Nightjar:Cameras:0:Name"] = "Porch",
            ["Nightjar:Cameras:0:StreamUrl"] = "rtsp://127.0.0.1:1/stream",
            ["Nightjar:Notifications:Webhook:Url"] = "http://127.0.0.1:1/hook",
        }).Build();
        await using var harness = await ServiceHarness.StartAsync(services =>
        {
            services.AddSingleton<TimeProvider>(clock).AddSingleton(engine).AddSingleton<IConfiguration>(configuration).AddSingleton<StorageHealth>();
            services.AddCameras().AddEvents().AddNotifications();
        });
        try
        {
            await harness.Get<CameraCatalog>().ApplyAsync();
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (engine.Status(new StreamKey("cfg0", StreamKind.Main))?.State != StreamState.Offline)
            {
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), "The camera never went offline.");
                await Task.Delay(50);
            }

            var watcher = harness.Get<IEnumerable<IHostedService>>().OfType<HealthWatcher>().Single();
            await watcher.CheckAsync();
            Assert.Empty(await HealthRowsAsync(harness));

            clock.Advance(HealthWatcher.OfflineFor + TimeSpan.FromSeconds(1));
            await watcher.CheckAsync();
            await watcher.CheckAsync();

            var alert = Assert.Single(await HealthRowsAsync(harness));
            Assert.Equal("Porch is offline: camera unreachable.", alert);
        }
        finally
        {
            await engine.StopAsync("test over");
            Directory.Delete(recordings, recursive: true);
        }
    }

    private static async Task<List<string>> HealthRowsAsync(ServiceHarness harness)
    {
        await using var connection = await harness.Get<Database>().OpenAsync();
        return await connection.QueryAsync("SELECT subject FROM outbox WHERE purpose = @Purpose", r => r.GetString(0), new { Purpose = AlertPurpose.Health });
    }
}
