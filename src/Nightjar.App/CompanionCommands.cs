using System.CommandLine;
using System.Globalization;
using Nightjar.Client;
using Nightjar.Contracts;

namespace Nightjar.App;

/// <summary>
/// <c>nightjar-app</c>: the companion app on the command line, behaving as a phone app would. Passwords are read
/// from standard input and never stored; only the token is kept. After "password changed" the app makes no
/// further attempt on its own until the owner runs <c>login</c>.
/// </summary>
public static class CompanionCommands
{
    /// <param name="cancellationToken">Ends a command that goes on (<c>live</c>, <c>events --follow</c>) as Ctrl+C does.</param>
    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error, DeviceStore store, CancellationToken cancellationToken = default)
    {
        var name = new Option<string>("--name") { Description = "A name for the recorder, such as home", Required = true };
        var uri = new Argument<string>("pairing-uri") { Description = "The Pairing URI from the recorder's Settings → Mobile App" };
        var device = new Argument<string>("name") { Description = "The recorder's name in this app" };

        var add = new Command("add", "Pair a recorder; the password is read from standard input") { uri, name };
        add.SetAction((result, cancellationToken) => AddAsync(result.GetValue(uri)!, result.GetValue(name)!, input, output, error, store, cancellationToken));
        var list = new Command("list", "List paired recorders: name, host and state");
        list.SetAction((_, cancellationToken) => ListAsync(output, store, cancellationToken));
        var status = new Command("status", "Show a recorder's details and state") { device };
        status.SetAction((result, cancellationToken) => StatusAsync(result.GetValue(device)!, output, error, store, cancellationToken));
        var login = new Command("login", "Enter the recorder's password again (from standard input), keeping the entry") { device };
        login.SetAction((result, cancellationToken) => LoginAsync(result.GetValue(device)!, input, output, error, store, cancellationToken));
        var remove = new Command("remove", "Forget a recorder") { device };
        remove.SetAction((result, cancellationToken) => RemoveAsync(result.GetValue(device)!, output, error, store, cancellationToken));

        var camera = new Argument<string>("camera") { Description = "The camera's name or id (see `cameras`)" };
        var outputFile = new Option<string>("-o", "--output") { Description = "The file to write", Required = true };
        var from = new Option<string>("--from") { Description = "Start: 2026-12-01T14:30:00Z, or local time such as \"2026-12-01 14:30\"", Required = true };
        var to = new Option<string>("--to") { Description = "End, written like --from", Required = true };
        var stream = new Option<string>("--stream") { Description = "main (default) or sub", DefaultValueFactory = _ => "main" };

        var cameras = new Command("cameras", "List a recorder's cameras: id, name, state, codec and size") { device };
        cameras.SetAction((result, cancellationToken) => CamerasAsync(result.GetValue(device)!, output, error, store, cancellationToken));
        var snapshot = new Command("snapshot", "Save a camera's latest picture as JPEG") { device, camera, outputFile };
        snapshot.SetAction((result, cancellationToken) => SnapshotAsync(result.GetValue(device)!, result.GetValue(camera)!, result.GetValue(outputFile)!, output, error, store, cancellationToken));
        var export = new Command("export", "Save a recorded time range of a camera as one MP4 file") { device, camera, from, to, outputFile };
        export.SetAction((result, cancellationToken) => ExportAsync(result.GetValue(device)!, result.GetValue(camera)!, result.GetValue(from)!, result.GetValue(to)!,
            result.GetValue(outputFile)!, output, error, store, cancellationToken));
        var live = new Command("live", "Write a camera's live video as fragmented MP4 to standard output (| ffplay -)") { device, camera, stream };
        live.SetAction((result, cancellationToken) => LiveAsync(result.GetValue(device)!, result.GetValue(camera)!, result.GetValue(stream)!, error, store, cancellationToken));

        var exportName = new Option<string>("--download") { Description = "The export to download (a name from the list)" };
        var downloadTo = new Option<string>("-o", "--output") { Description = "The file to write (with --download)" };
        var deleteName = new Option<string>("--delete") { Description = "The export to delete on the recorder (a name from the list)" };
        var exports = new Command("exports", "List the exports made on the recorder's console, download one, or delete one") { device, exportName, downloadTo, deleteName };
        exports.SetAction((result, cancellationToken) => ExportsAsync(result.GetValue(device)!, result.GetValue(exportName), result.GetValue(downloadTo), result.GetValue(deleteName),
            output, error, store, cancellationToken));

        var events = EventsCommand.Create(device, output, error, store);

        var root = new RootCommand("Nightjar companion app") { add, list, status, login, remove, cameras, snapshot, export, exports, live, events };
        return await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }

    private static async Task<int> AddAsync(string text, string name, TextReader input, TextWriter output, TextWriter error, DeviceStore store, CancellationToken cancellationToken)
    {
        if (!PairingUri.TryParse(text, out var pairing, out var problem))
        {
            await error.WriteLineAsync(problem);
            return ExitCodes.Usage;
        }

        if (name.Trim().Length is 0 or > 64 || name.Any(char.IsControl))
        {
            await error.WriteLineAsync("The name must be 1 to 64 characters without line breaks.");
            return ExitCodes.Usage;
        }

        return await SignInAsync(new PairedDevice(name.Trim(), pairing!.DeviceId, pairing.Host, pairing.Port, pairing.Sha256Fingerprint, null, null),
            input, output, error, store, "Paired", cancellationToken);
    }

    private static async Task<int> LoginAsync(string name, TextReader input, TextWriter output, TextWriter error, DeviceStore store, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(name) is not { } known)
        {
            await error.WriteLineAsync($"No recorder named '{name}'. See `nightjar-app list`.");
            return ExitCodes.Usage;
        }

        return await SignInAsync(known, input, output, error, store, "Signed in to", cancellationToken);
    }

    private static async Task<int> SignInAsync(PairedDevice device, TextReader input, TextWriter output, TextWriter error, DeviceStore store, string done, CancellationToken cancellationToken)
    {
        var password = (await input.ReadLineAsync(cancellationToken))?.TrimEnd('\r') ?? "";
        if (password.Length == 0)
        {
            await error.WriteLineAsync("Type the recorder's password on standard input.");
            return ExitCodes.Usage;
        }

        using var client = new RecorderClient(device.Pairing);
        // The name the owner gave, and the machine: what Settings → Mobile App lists.
        var clientName = $"{device.Name} on {Environment.MachineName}";
        var replaced = await store.FindAsync(device.Name);
        var deviceCookie = device.DeviceCookie ?? (replaced is { } same && same.DeviceId == device.DeviceId ? same.DeviceCookie : null);
        var result = await client.SignInAsync("admin", password, clientName.Length > 64 ? clientName[..64] : clientName, deviceCookie, cancellationToken);
        if (result.Status != ClientStatus.Ok)
        {
            await error.WriteLineAsync(result.Message + (result.RetryAfter is { } wait ? $" Try again in {(int)Math.Ceiling(wait.TotalSeconds)} s." : ""));
            return ExitCodeFor(result.Status);
        }

        if (!string.Equals(result.Value!.DeviceId, device.DeviceId, StringComparison.Ordinal))
        {
            await error.WriteLineAsync($"This recorder is {result.Value.DeviceId}, not {device.DeviceId} from the pairing URI.");
            return ExitCodes.UnreachableOrCertificate;
        }

        await store.SaveAsync(device with { Token = result.Value.Token, PasswordChangedAt = null, DeviceCookie = result.Value.DeviceCookie });
        if (replaced?.Token is { } oldToken)
        {
            // Added or logged in again under the same name: the token it replaces ends, rather than lingering on the recorder.
            using var old = new RecorderClient(replaced.Pairing, oldToken);
            await old.SignOutAsync(cancellationToken);
        }

        await output.WriteLineAsync($"{done} {device.Name} ({device.DeviceId}) at {device.Pairing.Authority}.");
        return ExitCodes.Ok;
    }

    private static async Task<int> ListAsync(TextWriter output, DeviceStore store, CancellationToken cancellationToken)
    {
        foreach (var device in await store.LoadAsync())
        {
            var state = await StateAsync(device, store, cancellationToken);
            await output.WriteLineAsync($"{device.Name}\t{device.Pairing.Authority}\t{state.Text}");
        }

        return ExitCodes.Ok;
    }

    private static async Task<int> StatusAsync(string name, TextWriter output, TextWriter error, DeviceStore store, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(name) is not { } device)
        {
            await error.WriteLineAsync($"No recorder named '{name}'. See `nightjar-app list`.");
            return ExitCodes.Usage;
        }

        var state = await StateAsync(device, store, cancellationToken);
        switch (state.Status)
        {
            case ClientStatus.Ok:
                var info = state.Device!;
                await output.WriteLineAsync($"{device.Name}: online\nDevice: {info.Name} ({info.DeviceId}), {info.Model}, version {info.Version}\nHost: {device.Pairing.Authority}\nUp for {TimeSpan.FromSeconds(info.UptimeSeconds):c}");
                return ExitCodes.Ok;
            case ClientStatus.PasswordChanged:
                var when = state.ChangedAt?.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "an unknown time";
                await output.WriteLineAsync($"The recorder's password was changed on {when}. Run `nightjar-app login {device.Name}` with the new password.");
                return ExitCodes.PasswordChanged;
            case ClientStatus.SignedOut:
                await output.WriteLineAsync($"This app was signed out of {device.Name}. Run `nightjar-app login {device.Name}`.");
                return ExitCodes.WrongPassword;
            default:
                await error.WriteLineAsync(state.Text);
                return ExitCodeFor(state.Status);
        }
    }

    private static async Task<int> RemoveAsync(string name, TextWriter output, TextWriter error, DeviceStore store, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(name) is not { } device)
        {
            await error.WriteLineAsync($"No recorder named '{name}'.");
            return ExitCodes.Usage;
        }

        if (device.Token is not null)
        {
            using var client = new RecorderClient(device.Pairing, device.Token, TimeSpan.FromSeconds(3));
            await client.SignOutAsync(cancellationToken); // Best effort: the recorder may be off.
        }

        await store.RemoveAsync(device.Name);
        await output.WriteLineAsync($"Removed {device.Name}.");
        return ExitCodes.Ok;
    }

    private static async Task<int> CamerasAsync(string name, TextWriter output, TextWriter error, DeviceStore store, CancellationToken cancellationToken)
    {
        var (device, notSignedIn) = await SignedInAsync(name, error, store);
        if (device is null)
        {
            return notSignedIn;
        }

        using var client = new RecorderClient(device.Pairing, device.Token);
        var result = await client.GetCamerasAsync(cancellationToken);
        if (result.Status != ClientStatus.Ok)
        {
            return await FailedAsync(result, device, error, store);
        }

        foreach (var camera in result.Value!)
        {
            var state = camera.Problem is { } problem ? $"{camera.State}: {problem}" : camera.State;
            var size = camera.Width > 0 ? $"{camera.Width}x{camera.Height}" : "-";
            await output.WriteLineAsync($"{camera.Id}\t{camera.Name}\t{state}\t{camera.Codec ?? "-"}\t{size}{(camera.HasSubStream ? "\tsub-stream" : "")}");
        }

        return ExitCodes.Ok;
    }

    private static async Task<int> ExportsAsync(string name, string? download, string? file, string? delete, TextWriter output, TextWriter error, DeviceStore store,
        CancellationToken cancellationToken)
    {
        if ((download is null) != (file is null))
        {
            await error.WriteLineAsync("--download and -o go together.");
            return ExitCodes.Usage;
        }

        if (delete is not null && download is not null)
        {
            await error.WriteLineAsync("Either --download or --delete, not both.");
            return ExitCodes.Usage;
        }

        var (device, notSignedIn) = await SignedInAsync(name, error, store);
        if (device is null)
        {
            return notSignedIn;
        }

        using var client = new RecorderClient(device.Pairing, device.Token);
        if (delete is not null)
        {
            var deleted = await client.DeleteExportAsync(delete, cancellationToken);
            if (deleted.Status != ClientStatus.Ok)
            {
                return await FailedAsync(deleted, device, error, store);
            }

            await output.WriteLineAsync($"Deleted {delete} on {device.Name}.");
            return ExitCodes.Ok;
        }

        if (download is null || file is null)
        {
            var list = await client.GetExportsAsync(cancellationToken);
            if (list.Status != ClientStatus.Ok)
            {
                return await FailedAsync(list, device, error, store);
            }

            foreach (var export in list.Value!)
            {
                await output.WriteLineAsync($"{export.Name}	{export.Bytes}	{export.Written.ToLocalTime():yyyy-MM-dd HH:mm:ss}");
            }

            return ExitCodes.Ok;
        }

        var result = await SaveAsync(file, target => client.DownloadExportAsync(download, target, cancellationToken));
        if (result.Status != ClientStatus.Ok)
        {
            return await FailedAsync(result, device, error, store);
        }

        await output.WriteLineAsync($"Saved {download} to {file} ({result.Value} bytes).");
        return ExitCodes.Ok;
    }

    private static Task<int> SnapshotAsync(string name, string cameraText, string file, TextWriter output, TextWriter error, DeviceStore store, CancellationToken cancellationToken) =>
        WithCameraAsync(name, cameraText, error, store, async (client, device, camera) =>
        {
            var result = await client.GetSnapshotAsync(camera.Id, cancellationToken);
            if (result.Status != ClientStatus.Ok)
            {
                return await FailedAsync(result, device, error, store);
            }

            await File.WriteAllBytesAsync(file, result.Value!, cancellationToken);
            await output.WriteLineAsync($"Saved {camera.Name}'s picture to {file} ({result.Value!.Length} bytes).");
            return ExitCodes.Ok;
        }, cancellationToken);

    private static async Task<int> ExportAsync(string name, string cameraText, string fromText, string toText, string file, TextWriter output, TextWriter error,
        DeviceStore store, CancellationToken cancellationToken)
    {
        if (!TryTime(fromText, out var from) || !TryTime(toText, out var to) || to <= from)
        {
            await error.WriteLineAsync("Give --from and --to as times such as 2026-12-01T14:30:00Z or \"2026-12-01 14:30\" (local), --to after --from.");
            return ExitCodes.Usage;
        }

        return await WithCameraAsync(name, cameraText, error, store, async (client, device, camera) =>
        {
            var result = await SaveAsync(file, target => client.DownloadVideoAsync(camera.Id, from, to, target, cancellationToken));
            if (result.Status != ClientStatus.Ok)
            {
                return await FailedAsync(result, device, error, store);
            }

            await output.WriteLineAsync($"Saved {camera.Name} from {from.ToLocalTime():yyyy-MM-dd HH:mm:ss} to {to.ToLocalTime():HH:mm:ss} to {file} ({result.Value} bytes).");
            return ExitCodes.Ok;
        }, cancellationToken);
    }

    private static async Task<int> LiveAsync(string name, string cameraText, string stream, TextWriter error, DeviceStore store, CancellationToken cancellationToken)
    {
        if (stream is not ("main" or "sub"))
        {
            await error.WriteLineAsync("--stream is main or sub.");
            return ExitCodes.Usage;
        }

        return await WithCameraAsync(name, cameraText, error, store, async (client, device, camera) =>
        {
            // Not Console.OpenStandardOutput: on Linux it ignores a broken pipe, so `live … | ffplay -` went on
            // streaming into nothing after ffplay was closed. A plain stream on descriptor 1 fails instead, and the
            // client ends.
            await using var stdout = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(1, ownsHandle: false), FileAccess.Write, 1);
            var result = await client.WatchLiveAsync(camera.Id, stream, stdout, cancellationToken);
            return result.Status == ClientStatus.Ok ? ExitCodes.Ok : await FailedAsync(result, device, error, store);
        }, cancellationToken);
    }

    /// <summary>Signs in to the paired recorder, finds the camera by id or name, and runs <paramref name="act"/> on it; or the exit code after saying why not.</summary>
    private static async Task<int> WithCameraAsync(string name, string cameraText, TextWriter error, DeviceStore store,
        Func<RecorderClient, PairedDevice, CameraInfo, Task<int>> act, CancellationToken cancellationToken)
    {
        var (device, notSignedIn) = await SignedInAsync(name, error, store);
        if (device is null)
        {
            return notSignedIn;
        }

        using var client = new RecorderClient(device.Pairing, device.Token);
        var (camera, exitCode) = await FindCameraAsync(client, device, cameraText, error, store, cancellationToken);
        return camera is null ? exitCode : await act(client, device, camera);
    }

    /// <summary>A camera by id or by name (case does not matter), or the exit code after saying why there is none.</summary>
    internal static async Task<(CameraInfo? Camera, int ExitCode)> FindCameraAsync(
        RecorderClient client, PairedDevice device, string text, TextWriter error, DeviceStore store, CancellationToken cancellationToken)
    {
        var cameras = await client.GetCamerasAsync(cancellationToken);
        if (cameras.Status != ClientStatus.Ok)
        {
            return (null, await FailedAsync(cameras, device, error, store));
        }

        var found = cameras.Value!.FirstOrDefault(c => string.Equals(c.Id, text, StringComparison.Ordinal))
            ?? cameras.Value!.FirstOrDefault(c => string.Equals(c.Name, text.Trim(), StringComparison.OrdinalIgnoreCase));
        if (found is null)
        {
            await error.WriteLineAsync($"{device.Name} has no camera '{text}'. See `nightjar-app cameras {device.Name}`.");
            return (null, ExitCodes.NothingFound);
        }

        return (found, ExitCodes.Ok);
    }

    /// <summary>Downloads into <c>file.partial</c> and renames it when whole, so a failed download never leaves a file that looks complete.</summary>
    internal static async Task<ClientResult<long>> SaveAsync(string file, Func<Stream, Task<ClientResult<long>>> download)
    {
        var partial = file + ".partial";
        ClientResult<long> result;
        await using (var target = File.Create(partial))
        {
            result = await download(target);
        }

        if (result.Status == ClientStatus.Ok)
        {
            File.Move(partial, file, overwrite: true);
        }
        else
        {
            File.Delete(partial);
        }

        return result;
    }

    /// <summary>The paired recorder with a token to use, or the exit code after saying why there is none.</summary>
    internal static async Task<(PairedDevice? Device, int ExitCode)> SignedInAsync(string name, TextWriter error, DeviceStore store)
    {
        if (await store.FindAsync(name) is not { } device)
        {
            await error.WriteLineAsync($"No recorder named '{name}'. See `nightjar-app list`.");
            return (null, ExitCodes.Usage);
        }

        if (device.PasswordChangedAt is not null)
        {
            await error.WriteLineAsync($"The recorder's password was changed. Run `nightjar-app login {device.Name}` with the new password.");
            return (null, ExitCodes.PasswordChanged);
        }

        if (device.Token is null)
        {
            await error.WriteLineAsync($"This app is signed out of {device.Name}. Run `nightjar-app login {device.Name}`.");
            return (null, ExitCodes.WrongPassword);
        }

        return (device, ExitCodes.Ok);
    }

    /// <summary>Says what went wrong; after "password changed" the token is dropped so nothing more is sent until the owner logs in.</summary>
    internal static async Task<int> FailedAsync<T>(ClientResult<T> result, PairedDevice device, TextWriter error, DeviceStore store)
    {
        if (result.Status == ClientStatus.PasswordChanged)
        {
            await store.SaveAsync(device with { Token = null, PasswordChangedAt = result.PasswordChangedAt ?? DateTimeOffset.UnixEpoch });
            await error.WriteLineAsync($"The recorder's password was changed. Run `nightjar-app login {device.Name}` with the new password.");
        }
        else if (result.Status == ClientStatus.SignedOut)
        {
            await store.SaveAsync(device with { Token = null });
            await error.WriteLineAsync($"This app was signed out of {device.Name}. Run `nightjar-app login {device.Name}`.");
        }
        else
        {
            await error.WriteLineAsync(result.Message);
        }

        return result.Status == ClientStatus.Failed ? ExitCodes.Usage : ExitCodeFor(result.Status);
    }

    internal static bool TryTime(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out time);

    /// <summary>
    /// Asks the recorder, unless it already said the password changed: then nothing is sent until the owner
    /// logs in again, so an app left running cannot hammer the recorder with a dead token.
    /// </summary>
    private static async Task<DeviceState> StateAsync(PairedDevice device, DeviceStore store, CancellationToken cancellationToken)
    {
        if (device.PasswordChangedAt is { } changed)
        {
            return new DeviceState(ClientStatus.PasswordChanged, "password changed", null, changed);
        }

        if (device.Token is null)
        {
            return new DeviceState(ClientStatus.SignedOut, "signed out", null, null);
        }

        using var client = new RecorderClient(device.Pairing, device.Token, TimeSpan.FromSeconds(5));
        var result = await client.GetDeviceAsync(cancellationToken);
        switch (result.Status)
        {
            case ClientStatus.Ok:
                return new DeviceState(ClientStatus.Ok, "online", result.Value, null);
            case ClientStatus.PasswordChanged:
                var at = result.PasswordChangedAt ?? DateTimeOffset.UnixEpoch;
                await store.SaveAsync(device with { Token = null, PasswordChangedAt = at });
                return new DeviceState(ClientStatus.PasswordChanged, "password changed", null, at);
            case ClientStatus.SignedOut:
                await store.SaveAsync(device with { Token = null });
                return new DeviceState(ClientStatus.SignedOut, "signed out", null, null);
            case ClientStatus.Unreachable:
                return new DeviceState(ClientStatus.Unreachable, "offline", null, null);
            default:
                return new DeviceState(result.Status, result.Message, null, null);
        }
    }

    private static int ExitCodeFor(ClientStatus status) => status switch
    {
        ClientStatus.Ok => ExitCodes.Ok,
        ClientStatus.PasswordChanged => ExitCodes.PasswordChanged,
        ClientStatus.WrongPassword or ClientStatus.RateLimited or ClientStatus.SignedOut => ExitCodes.WrongPassword,
        ClientStatus.NotFound => ExitCodes.NothingFound,
        _ => ExitCodes.UnreachableOrCertificate,
    };

    private sealed record DeviceState(ClientStatus Status, string Text, DeviceInfo? Device, DateTimeOffset? ChangedAt);
}
