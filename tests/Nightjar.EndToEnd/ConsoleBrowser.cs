using Microsoft.Playwright;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.EndToEnd;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright: one browser for all console tests, a fresh context
/// (cookies, storage) per test, at the console's smallest supported screen size.
/// </summary>
public sealed class ConsoleBrowser : IAsyncLifetime
{
    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    public static string ScreenshotFolder { get; } = FindScreenshotFolder();

    public async Task InitializeAsync()
    {
        playwright = await Playwright.CreateAsync();
        Browser = await LaunchAsync([]);
    }

    /// <summary>A second browser with switches of its own (one that trusts a certificate, say); the caller disposes it.</summary>
    public Task<IBrowser> LaunchAnotherAsync(params string[] switches) => LaunchAsync(switches);

    /// <summary>
    /// A Chromium inside a network namespace: its 127.0.0.1 and its networks are the namespace's (Playwright talks to it
    /// over a pipe, which namespaces do not touch). A small script is its executable: <c>ip netns exec</c> and Chromium.
    /// </summary>
    public async Task<IBrowser> LaunchInsideAsync(NetworkNamespace inside)
    {
        var wrapper = Path.Combine(Path.GetTempPath(), $"chromium-in-{inside.Name}");
        File.WriteAllText(wrapper, $"#!/bin/sh\nexec {NetworkNamespace.Ip} netns exec {inside.Name} /usr/bin/chromium \"$@\"\n");
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var launched = await LaunchAsync([], wrapper);
        launched.Disconnected += (_, _) => File.Delete(wrapper);
        return launched;
    }

    private Task<IBrowser> LaunchAsync(string[] switches, string executable = "/usr/bin/chromium") =>
        playwright!.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", .. switches],
        });

    public Task<IPage> NewPageAsync() => NewPageAsync(Browser);

    /// <summary>
    /// Closes every page a test opened in the shared browser (each test class calls it when a test ends). Left open,
    /// the pages of fifty tests go on playing live video, reconnecting to recorders that are gone and polling, and the
    /// later tests run on what is left of two cores.
    /// </summary>
    public async Task CloseTestPagesAsync()
    {
        foreach (var context in Browser.Contexts.ToList())
        {
            await context.CloseAsync();
        }
    }

    /// <summary>A page of the console's size in <paramref name="browser"/> (this one, or another launched here).</summary>
    public static async Task<IPage> NewPageAsync(IBrowser browser)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright?.Dispose();
    }

    private static string FindScreenshotFolder()
    {
        var path = Path.Combine(RepositoryRoot.Path, "test-output", "screenshots");
        Directory.CreateDirectory(path);
        return path;
    }
}
