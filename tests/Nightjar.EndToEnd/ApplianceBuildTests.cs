using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Nightjar.Contracts;
using Nightjar.TestSupport;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Nightjar.EndToEnd;

/// <summary>
/// The build that goes on the box (<c>-p:PublishProfile=Appliance</c>: self-contained, the framework trimmed,
/// ahead-of-time code) is published and driven as an owner and an app would, because trimming can remove what only
/// reflection reaches, and every other test runs the untrimmed build.
/// </summary>
[Collection(SharedBrowser.Name)]
public sealed class ApplianceBuildTests(ConsoleBrowser browser) : IAsyncLifetime
{
    private readonly string publishDir = Path.Combine(Path.GetTempPath(), "nightjar-appliance-" + Guid.NewGuid().ToString("N"));
    private readonly string dataDir = TestRecorder.NewDataDir();

    public async Task InitializeAsync()
    {
        var publish = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "publish", "src/Nightjar.Recorder", "-p:PublishProfile=Appliance", "-o", publishDir, "-nologo" })
        {
            publish.ArgumentList.Add(arg);
        }

        using var process = Process.Start(publish)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(limit.Token);
        Assert.True(process.ExitCode == 0, $"dotnet publish -p:PublishProfile=Appliance failed:\n{await output}\n{await errors}");
    }

    public async Task DisposeAsync()
    {
        await browser.CloseTestPagesAsync();
        foreach (var folder in new[] { publishDir, dataDir })
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Fact]
    public async Task TheApplianceBuild_IsSetUpOnTheConsole_AndServesTheApp()
    {
        // Self-contained (its own runtime, no shared framework to resolve) and trimmed (the framework's unused code is gone).
        Assert.Contains("\"includedFrameworks\"", File.ReadAllText(Path.Combine(publishDir, "Nightjar.Recorder.runtimeconfig.json")), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(publishDir, "Microsoft.VisualBasic.Core.dll")), "the framework was not trimmed");
        // The object detector's model, its licence, and ONNX Runtime's native library travel with it.
        Assert.True(File.Exists(Path.Combine(publishDir, "Detection", "Model", "yolox_nano.onnx")), "the model was not published");
        Assert.True(File.Exists(Path.Combine(publishDir, "Detection", "Model", "LICENSE-Apache-2.0.txt")), "the model's licence was not published");
        Assert.True(File.Exists(Path.Combine(publishDir, "libonnxruntime.so")), "ONNX Runtime's native library was not published");
        await using var recorder = await RecorderChildProcess.StartPublishedAsync(Path.Combine(publishDir, "Nightjar.Recorder"), dataDir);

        // The console: Blazor's prerendering, its circuit, the on-screen keyboard and the setup that writes the database.
        var console = new ConsolePage(await browser.NewPageAsync());
        var loaded = new System.Collections.Concurrent.ConcurrentBag<(string Url, int Status)>();
        console.Page.Response += (_, response) => loaded.Add((response.Url, response.Status));
        await console.OpenAsync(recorder.ConsoleUrl);
        await Expect(console.Page).ToHaveURLAsync(new Regex("/setup$"));
        await console.TypeWithOnScreenKeyboardAsync("Admin Password", TestRecorder.AdminPassword);
        await console.TypeWithOnScreenKeyboardAsync("Confirm Password", TestRecorder.AdminPassword);
        await console.Button("Next").ClickAsync();
        await console.TypeWithOnScreenKeyboardAsync("Recovery Email", "owner@example.com");
        await console.Button("Next").ClickAsync();
        await Expect(console.Page.GetByLabel("Recovery Key")).ToHaveTextAsync(new Regex("^([0-9A-Z]{5}-){4}[0-9A-Z]{5}$"));
        await console.Button("Finish").ClickAsync();
        await console.WaitUntilInteractiveAsync();
        await Expect(console.Page.GetByText("No camera").First).ToBeVisibleAsync();
        // The console's own stylesheet and scripts are published too (static assets are not assemblies the trimmer sees).
        Assert.DoesNotContain(loaded, r => r.Status >= 400);
        foreach (var (name, extension) in new[] { ("console", ".css"), ("console", ".js"), ("live", ".js") })
        {
            // Published under a fingerprinted name (console.<hash>.css) or the plain one.
            Assert.Contains(loaded, r => r.Status == 200 && Path.GetFileName(new Uri(r.Url).AbsolutePath) is var file
                && file.StartsWith(name + ".", StringComparison.Ordinal) && file.EndsWith(extension, StringComparison.Ordinal));
        }

        // The app: JSON bodies both ways, the token scheme, and the OpenAPI document.
        // The certificate is the recorder's own, made at its first start in the data folder; this test trusts it as is.
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator };
        using var api = new HttpClient(handler) { BaseAddress = recorder.ApiUrl, Timeout = TimeSpan.FromSeconds(30) };
        var wrong = await api.PostAsJsonAsync("/api/v1/sessions", new SessionRequest("admin", "not-the-password", "phone"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("application/problem+json", wrong.Content.Headers.ContentType?.MediaType);
        var signIn = await api.PostAsJsonAsync("/api/v1/sessions", new SessionRequest("admin", TestRecorder.AdminPassword, "phone"));
        Assert.Equal(HttpStatusCode.Created, signIn.StatusCode);
        var session = (await signIn.Content.ReadFromJsonAsync<SessionResponse>())!;
        using var device = new HttpRequestMessage(HttpMethod.Get, "/api/v1/device");
        device.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.Token);
        var info = (await (await api.SendAsync(device)).Content.ReadFromJsonAsync<DeviceInfo>())!;
        Assert.Equal(session.DeviceId, info.DeviceId);
        var document = await api.GetStringAsync("/api/v1/openapi.json");
        Assert.Contains("\"bearer\"", document, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("/api/v1/sessions", document, StringComparison.Ordinal);
    }
}
