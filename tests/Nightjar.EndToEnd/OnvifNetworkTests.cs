using Microsoft.Playwright;
using Nightjar.TestSupport;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Nightjar.EndToEnd;

/// <summary>
/// Cameras → Search on a network of the test's own: the recorder and a Chromium run inside one network namespace, the
/// fake camera inside another, joined by a veth pair on a private /24. Nothing is probed on the machine's own networks.
/// </summary>
[Collection(SharedBrowser.Name)]
public sealed class OnvifNetworkTests(ConsoleBrowser browser) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => browser.CloseTestPagesAsync();

    [SkippableFact]
    public async Task ACameraOnTheNetwork_IsFoundBySearch_AddedWithTheMouseAndTheOnScreenKeyboard_AndItsFilesPlay()
    {
        Skip.IfNot(NetworkNamespace.CanMake, NetworkNamespace.NeedsRoot);
        var (box, network) = await NetworkNamespace.PairAsync();
        await using var _ = box;
        await using var __ = network;
        await using var camera = await FakeCamera.StartAsync(user: "admin", password: "Cam-Net-77", onvif: true, inside: network);
        var dataDir = TestRecorder.NewDataDir();
        try
        {
            await using (var setup = await TestRecorder.StartInAsync(dataDir))
            {
                await setup.CompleteSetupAsync();
            }

            await using var recorder = await RecorderChildProcess.StartInsideAsync(box, dataDir);
            await using var chromium = await browser.LaunchInsideAsync(box);
            var console = new ConsolePage(await ConsoleBrowser.NewPageAsync(chromium));
            await console.OpenAsync(new Uri(recorder.ConsoleUrl, "/cameras?login=open"));
            await console.Field("Password").FillAsync(TestRecorder.AdminPassword);
            await console.SubmitLoginAsync();

            // Search lists the camera on the other network by what it says it is.
            await console.Button("Search").ClickAsync();
            var found = console.Page.GetByRole(AriaRole.Table, new() { Name = "Found on the Network" });
            var row = found.GetByRole(AriaRole.Row).Filter(new() { HasText = $"{network.Address}:{camera.OnvifPort}" });
            await Expect(row).ToContainTextAsync("Nightjar Test", new() { Timeout = 15_000 });
            await Expect(row).ToContainTextAsync("Fake Camera");
            await console.ScreenshotAsync("48-camera-search-found");
            await row.GetByRole(AriaRole.Button).ClickAsync();

            // Its login only, on the on-screen keyboard; its profiles fill the streams on its own address, Test runs, Save records.
            var dialog = console.Page.GetByRole(AriaRole.Dialog, new() { Name = "Camera" });
            await Expect(dialog.GetByLabel("Name", new() { Exact = true })).ToHaveValueAsync("Nightjar Test Fake Camera");
            await console.TypeWithOnScreenKeyboardAsync("User Name", "admin");
            await console.TypeWithOnScreenKeyboardAsync("Password", "Cam-Net-77");
            await console.Button("Connect").ClickAsync();
            await Expect(console.Field("Stream URL")).ToHaveValueAsync(camera.Url("main").AbsoluteUri);
            await Expect(dialog.Locator(".test-result")).ToContainTextAsync("640×360", new() { Timeout = 20_000 });
            await console.Button("Save").ClickAsync();
            var cameras = console.Page.GetByRole(AriaRole.Table, new() { Name = "Camera list" });
            await Expect(cameras.GetByRole(AriaRole.Row, new() { Name = "Nightjar Test Fake Camera" })).ToContainTextAsync("Recording", new() { Timeout = 20_000 });

            // Searched again, it is "Added".
            await console.Button("Search").ClickAsync();
            await Expect(row).ToContainTextAsync("Added", new() { Timeout = 15_000 });

            // The files it records play: real H.264 of the camera's main profile.
            var report = await FirstRecordingAsync(dataDir);
            var video = Assert.Single(report.Streams, s => s.CodecType == "video");
            Assert.Equal(("h264", 640, 360), (video.CodecName, video.Width, video.Height));
            Assert.True(report.VideoPackets.Count >= 25, $"only {report.VideoPackets.Count} frames recorded");
            Assert.Equal("", report.Errors);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>ffprobe's report of the first recording of the main stream once it holds a second or more (30 s at most).</summary>
    private static async Task<Ffprobe.Report> FirstRecordingAsync(string dataDir)
    {
        Ffprobe.Report? last = null;
        for (var tries = 0; tries < 60; tries++)
        {
            var file = Directory.EnumerateFiles(dataDir, "*.mp4", SearchOption.AllDirectories).Where(f => f.Contains("main", StringComparison.Ordinal)).Order().FirstOrDefault();
            if (file is not null)
            {
                last = await Ffprobe.ProbeAsync(file);
                if (last.VideoPackets.Count >= 25)
                {
                    return last;
                }
            }

            await Task.Delay(500);
        }

        return last ?? throw new Xunit.Sdk.XunitException("No recording of the main stream was written.");
    }
}
