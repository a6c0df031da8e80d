using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Nightjar.EndToEnd;

/// <summary>What a person does at the console, one mouse action at a time.</summary>
public sealed class ConsolePage(IPage page)
{
    private const string LetterPageSymbols = "@.-_:/";
    private const string SymbolPageSymbols = "!#$%^&*()+=[]{};:'\"~,<>/?\\|`";

    public IPage Page => page;

    public ILocator Keyboard => page.GetByRole(AriaRole.Group, new() { Name = "On-screen keyboard" });

    public ILocator LoginDialog => page.GetByRole(AriaRole.Dialog, new() { Name = "Login" });

    public ILocator Menu => page.GetByRole(AriaRole.Navigation, new() { Name = "Menu" });

    public ILocator Button(string name) => page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    public ILocator Field(string label) => page.GetByLabel(label, new() { Exact = true });

    /// <summary>Opens a console URL and waits until the interactive circuit is up, so no click is lost to prerendering.</summary>
    public async Task OpenAsync(Uri url)
    {
        await page.GotoAsync(url.ToString());
        await WaitUntilInteractiveAsync();
    }

    public Task WaitUntilInteractiveAsync() =>
        page.Locator("#console[data-interactive='true']").WaitForAsync();

    /// <summary>Clicks "Log In" in the Login dialog and waits for the screen the browser is sent to to become interactive.</summary>
    public async Task SubmitLoginAsync()
    {
        var before = page.Url;
        await LoginDialog.GetByRole(AriaRole.Button, new() { Name = "Log In", Exact = true }).ClickAsync();
        // The form post loads a new page; waiting for its URL keeps the old page's markers from answering.
        await page.WaitForURLAsync(url => url != before);
        await WaitUntilInteractiveAsync();
    }

    public async Task RightClickAsync()
    {
        await page.Locator("#console").ClickAsync(new() { Button = MouseButton.Right, Position = new() { X = 640, Y = 300 } });
        await Expect(Menu).ToBeVisibleAsync();
    }

    /// <summary>Clicks a text field, types on the on-screen keyboard key by key, and closes it by clicking just below it.</summary>
    public async Task TypeWithOnScreenKeyboardAsync(string label, string text)
    {
        await Field(label).ClickAsync();
        await Expect(Keyboard).ToBeVisibleAsync();
        foreach (var c in text)
        {
            await PressKeyAsync(c);
        }

        await Expect(Field(label)).ToHaveValueAsync(text);
        await CloseKeyboardByClickingBelowAsync();
    }

    /// <summary>Like <see cref="TypeWithOnScreenKeyboardAsync"/>, after deleting what the field holds with the Backspace key.</summary>
    public async Task ReplaceWithOnScreenKeyboardAsync(string label, string text)
    {
        await Field(label).ClickAsync();
        await Expect(Keyboard).ToBeVisibleAsync();
        for (var held = (await Field(label).InputValueAsync()).Length; held > 0; held--)
        {
            await Button("Backspace").ClickAsync();
        }

        foreach (var c in text)
        {
            await PressKeyAsync(c);
        }

        await Expect(Field(label)).ToHaveValueAsync(text);
        await CloseKeyboardByClickingBelowAsync();
    }

    public async Task CloseKeyboardByClickingBelowAsync()
    {
        var box = await Keyboard.BoundingBoxAsync() ?? throw new InvalidOperationException("The keyboard is not on screen.");
        await page.Mouse.ClickAsync(box.X + (box.Width / 2), box.Y + box.Height + 20);
        await Expect(Keyboard).ToBeHiddenAsync();
    }

    private async Task PressKeyAsync(char c)
    {
        if (char.IsAsciiLetterUpper(c))
        {
            await Button("Shift").ClickAsync();
            await Button(c.ToString()).ClickAsync();
        }
        else if (c == ' ')
        {
            await Button("Space").ClickAsync();
        }
        else if (char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || LetterPageSymbols.Contains(c, StringComparison.Ordinal))
        {
            await Button(c.ToString()).ClickAsync();
        }
        else if (SymbolPageSymbols.Contains(c, StringComparison.Ordinal))
        {
            // A person looks at the keyboard before the next key; the test waits for the other page the same way, or a
            // key present on both pages (Space, ':') could be clicked where the old page had it.
            await Button("Symbols").ClickAsync();
            await Expect(Button("Letters")).ToBeVisibleAsync();
            await Button(c.ToString()).ClickAsync();
            await Button("Letters").ClickAsync();
            await Expect(Button("Symbols")).ToBeVisibleAsync();
        }
        else
        {
            throw new ArgumentException($"The on-screen keyboard has no key for '{c}'.", nameof(c));
        }
    }

    /// <summary>
    /// Notes in the tab's sessionStorage (which survives the reload after a reboot) whether the connection dropped and
    /// whether the full-screen reconnect overlay was shown meanwhile; read it with <see cref="ReconnectSeenAsync"/>.
    /// </summary>
    public Task WatchReconnectAsync() => page.EvaluateAsync("""
        () => {
          const modal = document.getElementById("components-reconnect-modal");
          sessionStorage.removeItem("test-disconnected");
          sessionStorage.removeItem("test-overlay");
          modal.addEventListener("components-reconnect-state-changed", () => sessionStorage.setItem("test-disconnected", "1"));
          new MutationObserver(() => {
            if (modal.classList.contains("visible")) sessionStorage.setItem("test-overlay", "1");
          }).observe(modal, { attributes: true });
        }
        """);

    public async Task<(bool Disconnected, bool OverlayShown)> ReconnectSeenAsync()
    {
        var seen = await page.EvaluateAsync<string[]>("() => [sessionStorage.getItem('test-disconnected') ?? '', sessionStorage.getItem('test-overlay') ?? '']");
        return (seen[0] == "1", seen[1] == "1");
    }

    public Task ScreenshotAsync(string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(ConsoleBrowser.ScreenshotFolder, name + ".png") });
}
