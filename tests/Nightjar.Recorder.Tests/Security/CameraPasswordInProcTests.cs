using System.Diagnostics;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Security;

/// <summary>
/// A camera's password is in its ffmpeg child's command line (ffmpeg takes RTSP credentials only in the URL), so the
/// appliance keeps other users from seeing the recorder's processes: the kiosk browser's unit mounts its own /proc
/// with <c>ProtectProc=</c> from deploy/nightjar-kiosk.service. This runs a real recorder recording a camera with a
/// password, then looks through a /proc mounted as that unit's setting says (what systemd does for the unit), as
/// another user, and finds the password nowhere; as the recorder's own user it is there, so the look can fail.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CameraPasswordInProcTests
{
    private const string Password = "Cam-Proc-Secret-58";

    [SkippableFact]
    public async Task TheKioskUser_CannotReadTheCameraPassword_FromAnyProcessesCommandLine()
    {
        Skip.IfNot(Environment.UserName == "root", "Needs root, to mount a private /proc and look as another user.");
        var hidepid = ProtectProc(Path.Combine(RepositoryRoot.Path, "deploy", "nightjar-kiosk.service"));
        await using var camera = await FakeCamera.StartAsync(user: "camuser", password: Password);
        await using var recorder = await TestRecorder.StartAsync(
            "--Nightjar:Cameras:0:Name=Porch", $"--Nightjar:Cameras:0:StreamUrl={camera.Url("sub")}",
            "--Nightjar:Cameras:0:UserName=camuser", $"--Nightjar:Cameras:0:Password={Password}");

        var seenByRecorder = await CommandLinesAsync(hidepid: null, asUser: null, until: lines => lines.Contains(Password, StringComparison.Ordinal));
        var seenByKiosk = await CommandLinesAsync(hidepid, asUser: 65534, until: _ => true);

        Assert.Contains(Password, seenByRecorder, StringComparison.Ordinal); // the password is there to be found
        Assert.DoesNotContain(Password, seenByKiosk, StringComparison.Ordinal);
        Assert.DoesNotContain("ffmpeg", seenByKiosk, StringComparison.Ordinal);
    }

    /// <summary>The <c>hidepid=</c> a unit's <c>ProtectProc=</c> gives its /proc (null: none, the plain /proc).</summary>
    private static string? ProtectProc(string unitFile)
    {
        var value = File.ReadLines(unitFile).Select(l => l.Trim()).LastOrDefault(l => l.StartsWith("ProtectProc=", StringComparison.Ordinal))?["ProtectProc=".Length..];
        return value is null or "default" ? null : value;
    }

    /// <summary>
    /// Every process's command line, read through a /proc mounted with <paramref name="hidepid"/> in a mount namespace of
    /// its own, as <paramref name="asUser"/> (the recorder's user when null); tried for up to 20 s until <paramref name="until"/> holds.
    /// </summary>
    private static async Task<string> CommandLinesAsync(string? hidepid, int? asUser, Func<string, bool> until)
    {
        var read = "for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < \"$f\" 2>/dev/null; echo; done";
        var script = $"mount -t proc {(hidepid is null ? "" : $"-o hidepid={hidepid} ")}proc /proc && "
            + (asUser is { } uid ? $"setpriv --reuid={uid} --regid={uid} --clear-groups sh -c '{read.Replace("'", "'\\''", StringComparison.Ordinal)}'" : read);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var start = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "--mount", "--propagation", "private", "sh", "-c", script })
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            var errors = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"unshare/mount failed: {errors}");
            if (until(output) || deadline.Elapsed > TimeSpan.FromSeconds(20))
            {
                return output;
            }

            await Task.Delay(500);
        }
    }
}
