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

    private Task<IBrowser> LaunchAsync(string[] switches) =>
        playwright!.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", .. switches],
        });

    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
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
