using Microsoft.Playwright;

namespace Nightjar.Bench;

/// <summary>The console in Debian's headless Chromium, driven the way a person uses it: setup, login, Power → Reboot.</summary>
public static class ConsoleDriver
{
    public const string Password = "violet-comet-4821";

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });

    public static Task<IPage> NewPageAsync(IBrowser browser) =>
        browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });

    public static Task WaitInteractiveAsync(IPage page) => page.Locator("#console[data-interactive='true']").WaitForAsync();

    public static async Task SetUpAsync(IPage page, Uri console, string email = "owner@example.com")
    {
        await page.GotoAsync(new Uri(console, "/setup").ToString());
        await WaitInteractiveAsync(page);
        await page.GetByLabel("Admin Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByLabel("Confirm Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Next", Exact = true }).ClickAsync();
        await page.GetByLabel("Recovery Email", new() { Exact = true }).FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Next", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Finish", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Region, new() { Name = "Live View" }).WaitForAsync();
        await WaitInteractiveAsync(page);
    }

    /// <summary>Opens <paramref name="path"/> with the Login dialog and logs in; returns once the screen is unlocked.</summary>
    public static async Task LogInAsync(IPage page, Uri console, string path, string password = Password)
    {
        await page.GotoAsync(new Uri(console, path + "?login=open").ToString());
        await WaitInteractiveAsync(page);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Dialog, new() { Name = "Login" }).GetByRole(AriaRole.Button, new() { Name = "Log In", Exact = true }).ClickAsync();
        try
        {
            await page.WaitForURLAsync(url => !url.Contains("login=", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.Commit });
        }
        catch (TimeoutException)
        {
            var dialog = await page.GetByRole(AriaRole.Dialog, new() { Name = "Login" }).TextContentAsync(new() { Timeout = 2000 });
            throw new InvalidOperationException($"The login at {path} did not go through: still at {page.Url}, the dialog says \"{dialog}\".");
        }

        await WaitInteractiveAsync(page);
    }

    /// <summary>On the unlocked Power screen: Reboot, then Confirm. Returns when Confirm has been clicked.</summary>
    public static async Task ClickRebootAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Reboot", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog, new() { Name = "Confirm" }).GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
    }

    /// <summary>Waits until the page shows the console of a boot other than <paramref name="bootId"/>, interactive.</summary>
    public static Task WaitForNewBootAsync(IPage page, string bootId) =>
        page.WaitForFunctionAsync(
            $"() => document.querySelector('meta[name=nightjar-boot-id]')?.content !== '{bootId}' && document.querySelector('#console[data-interactive=true]') !== null",
            null,
            new PageWaitForFunctionOptions { Timeout = 60_000 });
}
