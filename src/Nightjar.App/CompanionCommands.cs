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
    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error, DeviceStore store)
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

        var root = new RootCommand("Nightjar companion app") { add, list, status, login, remove };
        return await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
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
        var result = await client.SignInAsync("admin", password, $"nightjar-app ({Environment.MachineName})", cancellationToken);
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

        await store.SaveAsync(device with { Token = result.Value.Token, PasswordChangedAt = null });
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
        _ => ExitCodes.UnreachableOrCertificate,
    };

    private sealed record DeviceState(ClientStatus Status, string Text, DeviceInfo? Device, DateTimeOffset? ChangedAt);
}
