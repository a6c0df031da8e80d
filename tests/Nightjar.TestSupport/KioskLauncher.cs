using System.Diagnostics;
using System.Net;

namespace Nightjar.TestSupport;

/// <summary>
/// The box's own screen in a test: the kiosk secret handed as <c>deploy/nightjar-kiosk.service</c> hands it, either
/// through the real launcher script (its start page, for a browser to open) or posted the way that page posts it
/// (the kiosk cookie, for a plain HTTP or WebSocket client).
/// </summary>
public static class KioskLauncher
{
    public static string SecretPath(TestRecorder recorder) => SecretPath(recorder.DataDir);

    public static string SecretPath(string dataDir) => Path.Combine(dataDir, "keys", "kiosk-secret");

    /// <summary>
    /// Runs <c>deploy/nightjar-kiosk</c> as systemd would (the secret in a credentials folder, a private runtime folder)
    /// with <c>echo</c> for the browser, and returns the <c>file://</c> start page it would have opened.
    /// </summary>
    public static Task<Uri> StartPageAsync(TestRecorder recorder) => StartPageAsync(recorder.ConsoleUrl, recorder.DataDir);

    /// <summary>The start page for the recorder on <paramref name="console"/> whose data folder is <paramref name="dataDir"/> (one in a process of its own).</summary>
    public static async Task<Uri> StartPageAsync(Uri console, string dataDir)
    {
        var credentials = Directory.CreateTempSubdirectory("nightjar-kiosk-credentials-").FullName;
        var runtime = Directory.CreateTempSubdirectory("nightjar-kiosk-runtime-").FullName;
        File.Copy(SecretPath(dataDir), Path.Combine(credentials, "kiosk-secret"));
        var launcher = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        launcher.ArgumentList.Add(Path.Combine(RepositoryRoot.Path, "deploy", "nightjar-kiosk"));
        launcher.Environment["CREDENTIALS_DIRECTORY"] = credentials;
        launcher.Environment["RUNTIME_DIRECTORY"] = runtime;
        launcher.Environment["NIGHTJAR_CONSOLE_URL"] = console.GetLeftPart(UriPartial.Authority);
        launcher.Environment["NIGHTJAR_KIOSK_BROWSER"] = "echo";
        using var process = Process.Start(launcher)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Directory.Delete(credentials, recursive: true);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"deploy/nightjar-kiosk failed ({process.ExitCode}): {errors}");
        }

        return new Uri(output.Trim());
    }

    /// <summary>A cookie jar holding the kiosk cookie, got by posting <paramref name="secret"/> (the real one when null) as the start page does.</summary>
    public static async Task<(HttpStatusCode Status, CookieContainer Cookies)> PostSecretAsync(TestRecorder recorder, string? secret = null)
    {
        var cookies = new CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = recorder.ConsoleUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/console/kiosk")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["secret"] = secret ?? File.ReadAllText(SecretPath(recorder)) }),
        };
        request.Headers.Add("Origin", "null"); // a file:// page's
        var response = await client.SendAsync(request);
        return (response.StatusCode, cookies);
    }
}
