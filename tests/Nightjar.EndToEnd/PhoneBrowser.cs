using Microsoft.Playwright;

namespace Nightjar.EndToEnd;

/// <summary>A phone's browser for the web app: 390×844, touch, a phone's user agent, and the box's own certificate accepted once.</summary>
public static class PhoneBrowser
{
    public static Task<IPage> NewPageAsync(ConsoleBrowser browser, string? beforeScripts = null) => NewPageAsync(browser.Browser, beforeScripts);

    public static async Task<IPage> NewPageAsync(IBrowser browser, string? beforeScripts = null)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            DeviceScaleFactor = 2,
            IsMobile = true,
            HasTouch = true,
            UserAgent = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36",
            // The owner clicks through the warning about the box's own certificate once; the test does the same.
            IgnoreHTTPSErrors = true,
        });
        context.SetDefaultTimeout(20_000);
        if (beforeScripts is not null)
        {
            await context.AddInitScriptAsync(beforeScripts);
        }

        return await context.NewPageAsync();
    }
}
