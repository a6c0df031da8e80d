using Microsoft.Extensions.Logging;
using Nightjar.Recording.Detection;
using Nightjar.Recording.Live;
using Nightjar.Recording.Motion;
using Nightjar.Recording.Storage;

namespace Nightjar.Recording.Events;

/// <summary>
/// Records the motion events of every camera: a row in the index the moment one starts (so an alert can go out at
/// once), its pictures as soon as they are made, what the object detector sees in it, its end. Every change is in the
/// index's change log before anyone hears of it through <see cref="Changed"/>. A failing disk costs the event, never
/// the recording or the detection.
/// </summary>
internal sealed class EventRecorder(
    EventIndex events, EventPictures pictures, Func<string, LiveFeed?> pictureFeed, Action<long> picturesStored, TimeProvider clock, ILogger logger)
{
    private readonly object gate = new();

    /// <summary>Each camera's latest event, open or ended: what the detector's pictures, which come a little late, belong to.</summary>
    private readonly Dictionary<string, SeenInEvent> latest = [];
    private readonly Dictionary<string, ObjectTracks> tracks = [];
    private readonly List<Task> background = [];

    /// <summary>A change was committed to the index (raised on a background thread, in order per camera and kind).</summary>
    public event Action<EventChange>? Changed;

    /// <summary>The start or end of a camera's motion event (called in order for each camera).</summary>
    public Task RecordAsync(string cameraId, MotionChange change) => RecordAsync(cameraId, change, EventKinds.Motion);

    /// <summary>The start or end of a camera's event of <paramref name="kind"/> (called in order for each camera).</summary>
    public async Task RecordAsync(string cameraId, MotionChange change, string kind)
    {
        try
        {
            if (change.Kind == MotionChangeKind.Started)
            {
                var started = await events.StartAsync(cameraId, kind, change.AtUs, change.Region, clock.GetUtcNow());
                var seen = new SeenInEvent(started.EventId, cameraId, change.AtUs);
                lock (gate)
                {
                    latest[cameraId] = seen;
                }

                Changed?.Invoke(started);
                TakePictures(seen);
                return;
            }

            SeenInEvent? open;
            lock (gate)
            {
                if (!latest.TryGetValue(cameraId, out open) || open.EndUs is not null)
                {
                    return;
                }

                open.EndUs = change.AtUs;
            }

            if (await events.EndAsync(open.Id, change.AtUs, change.Region, clock.GetUtcNow()) is { } ended)
            {
                Changed?.Invoke(ended);
            }
        }
        catch (Exception ex) when (ex is IOException or Microsoft.Data.Sqlite.SqliteException or UnauthorizedAccessException)
        {
            logger.LogError("An event of camera {Camera} could not be stored: {Message}", cameraId, ex.Message);
        }
    }

    /// <summary>
    /// What the detector found in a picture of a camera's event: things that have stood still for long (a parked car)
    /// are left out; each label is kept at its best score; a label the event did not have is an
    /// <see cref="EventChangeKind.Updated"/> change; and the thumbnail is redrawn round the best of what was seen.
    /// </summary>
    public async Task AddDetectionsAsync(string cameraId, DetectionPicture picture, IReadOnlyList<Detection.Detection> found)
    {
        SeenInEvent? seen;
        List<string> added = [];
        List<DetectedObject> objects;
        DetectedObject? newTop = null;
        lock (gate)
        {
            if (!tracks.TryGetValue(cameraId, out var cameraTracks))
            {
                tracks[cameraId] = cameraTracks = new ObjectTracks();
            }

            var moving = cameraTracks.Moving(found, picture.WallUs);
            // A picture taken in the quiet after an event's last movement still belongs to it.
            if (!latest.TryGetValue(cameraId, out seen) || picture.WallUs < seen.StartUs
                || picture.WallUs > seen.EndUs + (long)MotionTracker.QuietToEnd.TotalMicroseconds)
            {
                return;
            }

            var better = false;
            foreach (var detection in moving)
            {
                var seenNow = new DetectedObject(detection.Label, detection.Score, detection.Box);
                if (!seen.Best.TryGetValue(detection.Label, out var before))
                {
                    added.Add(detection.Label);
                }
                else if (detection.Score <= before.Score)
                {
                    continue;
                }

                seen.Best[detection.Label] = seenNow;
                better = true;
            }

            if (!better)
            {
                return;
            }

            objects = [.. seen.Best.Values.OrderBy(o => Rank(o.Label)).ThenByDescending(o => o.Score)];
            if (objects[0] != seen.Top)
            {
                // The best of what was seen changed, so it is in this picture: the thumbnail should show it.
                seen.Top = newTop = objects[0];
            }
        }

        try
        {
            if (await events.SetObjectsAsync(seen.Id, objects, added, clock.GetUtcNow()) is { } updated)
            {
                Changed?.Invoke(updated);
            }
        }
        catch (Exception ex) when (ex is IOException or Microsoft.Data.Sqlite.SqliteException or UnauthorizedAccessException)
        {
            logger.LogError("What the detector saw in event {Event} could not be stored: {Message}", seen.Id, ex.Message);
            return;
        }

        if (newTop is not null)
        {
            Redraw(seen, picture, newTop);
        }
    }

    /// <summary>Waits for pictures still being made (at stop, so none is written after the engine has gone).</summary>
    public async Task DrainAsync()
    {
        Task[] pending;
        lock (gate)
        {
            pending = [.. background];
        }

        await Task.WhenAll(pending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>People first, then vehicles, then animals: what an owner would want the thumbnail to show.</summary>
    private static int Rank(string label) => CocoLabels.GroupOf(label) switch
    {
        "person" => 0,
        "vehicle" => 1,
        _ => 2,
    };

    private void TakePictures(SeenInEvent seen)
    {
        var (cameraId, eventId, start) = (seen.CameraId, seen.Id, WallClock.FromMicroseconds(seen.StartUs));
        var moment = pictureFeed(cameraId)?.SinceKeyframe();
        Track(Task.Run(async () =>
        {
            (string Snapshot, string Thumbnail, long Bytes)? made = null;
            if (moment is { } m)
            {
                made = await pictures.MakeAsync(cameraId, eventId, start, m.Init, m.Fragments, CancellationToken.None);
            }

            try
            {
                if (made is { } p)
                {
                    picturesStored(p.Bytes);
                }

                if (await events.SetPicturesAsync(eventId, made?.Snapshot, made?.Thumbnail, made?.Bytes ?? 0, clock.GetUtcNow()) is { } pictured)
                {
                    Changed?.Invoke(pictured);
                }
                else if (made is { } gone)
                {
                    // The event was deleted while its pictures were made (its camera's recordings were deleted).
                    pictures.Delete(gone.Snapshot);
                    pictures.Delete(gone.Thumbnail);
                    picturesStored(-gone.Bytes);
                }
            }
            catch (Exception ex) when (ex is IOException or Microsoft.Data.Sqlite.SqliteException)
            {
                logger.LogError("The pictures of event {Event} could not be recorded: {Message}", eventId, ex.Message);
            }
            finally
            {
                seen.PicturesMade.TrySetResult();
            }
        }));
    }

    /// <summary>
    /// Redraws the event's thumbnail round <paramref name="top"/>, after its first pictures (which would overwrite it);
    /// one drawing at a time per event, and only the newest of those asked for meanwhile.
    /// </summary>
    private void Redraw(SeenInEvent seen, DetectionPicture picture, DetectedObject top)
    {
        lock (gate)
        {
            seen.NextDrawing = (picture, top);
            if (seen.Drawing)
            {
                return;
            }

            seen.Drawing = true;
        }

        Track(Task.Run(async () =>
        {
            await seen.PicturesMade.Task;
            while (true)
            {
                (DetectionPicture Picture, DetectedObject Top) next;
                lock (gate)
                {
                    if (seen.NextDrawing is not { } asked)
                    {
                        seen.Drawing = false;
                        return;
                    }

                    next = asked;
                    seen.NextDrawing = null;
                }

                var path = EventPictures.ThumbnailPath(seen.CameraId, seen.Id, WallClock.FromMicroseconds(seen.StartUs));
                if (await pictures.RedrawThumbnailAsync(path, next.Picture, next.Top.Box, CancellationToken.None) is not { } grew)
                {
                    continue;
                }

                try
                {
                    if (await events.SetThumbnailAsync(seen.Id, path, grew))
                    {
                        picturesStored(grew);
                    }
                    else
                    {
                        pictures.Delete(path); // the event was deleted meanwhile
                    }
                }
                catch (Exception ex) when (ex is IOException or Microsoft.Data.Sqlite.SqliteException)
                {
                    logger.LogError("The thumbnail of event {Event} could not be recorded: {Message}", seen.Id, ex.Message);
                }
            }
        }));
    }

    private void Track(Task task)
    {
        lock (gate)
        {
            background.RemoveAll(t => t.IsCompleted);
            background.Add(task);
        }
    }

    /// <summary>One event as the recorder follows it: where it is in the index, and what the detector has seen in it.</summary>
    private sealed class SeenInEvent(long id, string cameraId, long startUs)
    {
        public long Id { get; } = id;

        public string CameraId { get; } = cameraId;

        public long StartUs { get; } = startUs;

        /// <summary>Its last movement, once it has ended.</summary>
        public long? EndUs { get; set; }

        public Dictionary<string, DetectedObject> Best { get; } = new(StringComparer.Ordinal);

        /// <summary>What its thumbnail shows (or is being redrawn to show).</summary>
        public DetectedObject? Top { get; set; }

        /// <summary>Done once its first pictures were made (or could not be).</summary>
        public TaskCompletionSource PicturesMade { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Drawing { get; set; }

        public (DetectionPicture Picture, DetectedObject Top)? NextDrawing { get; set; }
    }
}
