using System.Globalization;
using Nightjar.Contracts;
using Nightjar.Recorder.Cameras;
using Nightjar.Recorder.Identity;
using Nightjar.Recording;
using Nightjar.Recording.Events;
using Nightjar.Recording.Motion;

namespace Nightjar.Recorder.Events;

/// <summary>
/// Events in the words people and programs read: the API's <see cref="EventInfo"/> with the camera's name, and the one
/// <see cref="EventMessage"/> shape that the live socket, the webhook and MQTT all carry.
/// </summary>
public sealed class EventDescriptions(CameraCatalog catalog, RecorderIdentityStore identity, RecordingEngine engine)
{
    public static EventInfo Describe(RecordedEvent recorded, string cameraName)
    {
        var id = recorded.Id.ToString(CultureInfo.InvariantCulture);
        return new EventInfo(recorded.Id, recorded.CameraId, cameraName, recorded.Kind, recorded.Start, recorded.End, Region(recorded.Region),
            [.. recorded.Objects.Select(o => new EventObject(o.Label, o.Score, Region(o.Box)))], recorded.Kept,
            recorded.SnapshotPath is null ? null : $"/api/v1/events/{id}/snapshot.jpg",
            recorded.ThumbnailPath is null ? null : $"/api/v1/events/{id}/thumbnail.jpg");
    }

    /// <summary>The camera's name for an event; a camera removed with its recordings kept keeps its name.</summary>
    public async Task<IReadOnlyDictionary<string, string>> CameraNamesAsync() => await catalog.NamesAsync();

    public async Task<EventInfo?> DescribeAsync(long eventId)
    {
        if (await engine.Events.GetAsync(eventId) is not { } recorded)
        {
            return null;
        }

        var names = await catalog.NamesAsync();
        return Describe(recorded, names.GetValueOrDefault(recorded.CameraId, recorded.CameraId));
    }

    public async Task<DeviceSummary> DeviceAsync()
    {
        var device = await identity.GetAsync();
        return new DeviceSummary(device.DeviceId, device.Name);
    }

    /// <summary>The message a change makes (its event as it is now), or null when the event is gone or the change is not one that is sent.</summary>
    public async Task<EventMessage?> MessageAsync(EventChange change)
    {
        var type = change.Kind switch
        {
            EventChangeKind.Started => EventMessageTypes.Start,
            EventChangeKind.Updated => EventMessageTypes.Update,
            EventChangeKind.Ended => EventMessageTypes.End,
            _ => null,
        };
        if (type is null || await DescribeAsync(change.EventId) is not { } described)
        {
            return null;
        }

        return new EventMessage(type, described, null, await DeviceAsync());
    }

    /// <summary>"Motion", or "Camera motion" for the camera's own events, with what the detector saw ("Motion: Person").</summary>
    public static string WhatHappened(EventInfo described)
    {
        var what = described.Kind == EventKinds.CameraMotion ? "Camera motion" : "Motion";
        var seen = described.Objects.Select(o => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(o.Label)).Distinct().ToList();
        return seen.Count == 0 ? what : what + ": " + string.Join(", ", seen);
    }

    private static EventRegion Region(MotionRegion region) => new(region.X, region.Y, region.Width, region.Height);
}
