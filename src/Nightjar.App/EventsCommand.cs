using System.CommandLine;
using System.Globalization;
using Nightjar.Client;
using Nightjar.Contracts;

namespace Nightjar.App;

/// <summary>
/// <c>nightjar-app events &lt;name&gt; [--camera] [--from] [--to] [--follow]</c>: one tab-separated line per event,
/// newest first (its id, start, camera name, kind, what was seen, length); with <c>--follow</c>, then a line as each
/// event starts and as it ends, until interrupted. <c>--download &lt;id&gt; -o &lt;file&gt;</c> saves an event's clip;
/// <c>--keep &lt;id&gt;</c> and <c>--unkeep &lt;id&gt;</c> keep it from retention or not.
/// </summary>
public static class EventsCommand
{
    public static Command Create(Argument<string> device, TextWriter output, TextWriter error, DeviceStore store)
    {
        var camera = new Option<string>("--camera") { Description = "Only this camera (its name or id)" };
        var from = new Option<string>("--from") { Description = "Events from: 2026-12-01T14:30:00Z, or local time such as \"2026-12-01 14:30\"" };
        var to = new Option<string>("--to") { Description = "Events until, written like --from" };
        var follow = new Option<bool>("--follow") { Description = "Then print each event as it starts and ends, until interrupted" };
        var download = new Option<long?>("--download") { Description = "Save this event's clip (5 s before it to 5 s after) with -o" };
        var file = new Option<string>("-o", "--output") { Description = "The file to write (with --download)" };
        var keep = new Option<long?>("--keep") { Description = "Keep this event's recordings from being deleted to make room" };
        var unkeep = new Option<long?>("--unkeep") { Description = "Stop keeping this event" };
        var events = new Command("events", "List a recorder's events, newest first, follow them, or download or keep one") { device, camera, from, to, follow, download, file, keep, unkeep };
        events.SetAction(async (result, cancellationToken) =>
        {
            var name = result.GetValue(device)!;
            if (result.GetValue(download) is { } clip)
            {
                return await DownloadAsync(name, clip, result.GetValue(file), output, error, store, cancellationToken);
            }

            if (result.GetValue(keep) is { } kept)
            {
                return await KeepAsync(name, kept, true, output, error, store, cancellationToken);
            }

            if (result.GetValue(unkeep) is { } unkept)
            {
                return await KeepAsync(name, unkept, false, output, error, store, cancellationToken);
            }

            return await RunAsync(name, result.GetValue(camera), result.GetValue(from), result.GetValue(to), result.GetValue(follow), output, error, store, cancellationToken);
        });
        return events;
    }

    private static async Task<int> DownloadAsync(string name, long eventId, string? file, TextWriter output, TextWriter error, DeviceStore store, CancellationToken cancellationToken)
    {
        if (file is null)
        {
            await error.WriteLineAsync("--download goes with -o <file>.");
            return ExitCodes.Usage;
        }

        var (device, notSignedIn) = await CompanionCommands.SignedInAsync(name, error, store);
        if (device is null)
        {
            return notSignedIn;
        }

        using var client = new RecorderClient(device.Pairing, device.Token);
        var result = await CompanionCommands.SaveAsync(file, target => client.DownloadEventClipAsync(eventId, target, cancellationToken));
        if (result.Status != ClientStatus.Ok)
        {
            return await CompanionCommands.FailedAsync(result, device, error, store);
        }

        await output.WriteLineAsync($"Saved the clip of event {eventId} to {file} ({result.Value} bytes).");
        return ExitCodes.Ok;
    }

    private static async Task<int> KeepAsync(string name, long eventId, bool keep, TextWriter output, TextWriter error, DeviceStore store, CancellationToken cancellationToken)
    {
        var (device, notSignedIn) = await CompanionCommands.SignedInAsync(name, error, store);
        if (device is null)
        {
            return notSignedIn;
        }

        using var client = new RecorderClient(device.Pairing, device.Token);
        var result = await client.KeepEventAsync(eventId, keep, cancellationToken);
        if (result.Status != ClientStatus.Ok)
        {
            return await CompanionCommands.FailedAsync(result, device, error, store);
        }

        await output.WriteLineAsync(keep ? $"Event {eventId} is kept." : $"Event {eventId} is no longer kept.");
        return ExitCodes.Ok;
    }

    private static async Task<int> RunAsync(string name, string? cameraText, string? fromText, string? toText, bool follow, TextWriter output, TextWriter error,
        DeviceStore store, CancellationToken cancellationToken)
    {
        DateTimeOffset from = default, to = default;
        if (fromText is not null && !CompanionCommands.TryTime(fromText, out from) || toText is not null && !CompanionCommands.TryTime(toText, out to)
            || fromText is not null && toText is not null && to <= from)
        {
            await error.WriteLineAsync("Give --from and --to as times such as 2026-12-01T14:30:00Z or \"2026-12-01 14:30\" (local), --to after --from.");
            return ExitCodes.Usage;
        }

        var (device, notSignedIn) = await CompanionCommands.SignedInAsync(name, error, store);
        if (device is null)
        {
            return notSignedIn;
        }

        using var client = new RecorderClient(device.Pairing, device.Token);
        string? cameraId = null;
        if (cameraText is not null)
        {
            var (found, exitCode) = await CompanionCommands.FindCameraAsync(client, device, cameraText, error, store, cancellationToken);
            if (found is null)
            {
                return exitCode;
            }

            cameraId = found.Id;
        }

        var list = await client.GetEventsAsync(cameraId, fromText is null ? null : from, toText is null ? null : to, 500, cancellationToken);
        if (list.Status != ClientStatus.Ok)
        {
            return await CompanionCommands.FailedAsync(list, device, error, store);
        }

        foreach (var e in list.Value!)
        {
            await output.WriteLineAsync(Line(e));
        }

        await output.FlushAsync(cancellationToken);
        if (!follow)
        {
            return ExitCodes.Ok;
        }

        var followed = await client.FollowEventsAsync(async message =>
        {
            if (message.Event is { } e && (cameraId is null || e.Camera == cameraId) && message.Type is EventMessageTypes.Start or EventMessageTypes.End)
            {
                await output.WriteLineAsync(Line(e));
                await output.FlushAsync(cancellationToken);
            }
        }, cancellationToken);
        return followed.Status == ClientStatus.Ok ? ExitCodes.Ok : await CompanionCommands.FailedAsync(followed, device, error, store);
    }

    /// <summary>Start (local time), camera name, kind, what was seen ("-" for nothing), how long ("going on" while it lasts), and the event's id.</summary>
    public static string Line(EventInfo e)
    {
        var seen = e.Objects.Count == 0 ? "-" : string.Join(",", e.Objects.Select(o => o.Label).Distinct());
        var length = e.End is { } end ? $"{Math.Max(1, (int)Math.Round((end - e.Start).TotalSeconds)).ToString(CultureInfo.InvariantCulture)} s" : "going on";
        return $"{e.Start.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}\t{e.CameraName}\t{e.Kind}\t{seen}\t{length}\t{e.Id.ToString(CultureInfo.InvariantCulture)}";
    }
}
