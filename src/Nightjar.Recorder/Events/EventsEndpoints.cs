using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Nightjar.Contracts;
using Nightjar.Recorder.Accounts;
using Nightjar.Recorder.Pairing;
using Nightjar.Recorder.Video;
using Nightjar.Recording;
using Nightjar.Recording.Events;

namespace Nightjar.Recorder.Events;

/// <summary>
/// Events over HTTP: <c>/api/v1/events</c> for apps (the list, each event's pictures and clip, Keep, and a WebSocket of
/// events as they happen), and the same pictures and clips on the console listener for the Events screen. Every
/// route needs an app token of the current credential epoch or an unlocked console.
/// </summary>
public static class EventsEndpoints
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    /// <summary>A new event's pictures are being made: a request for them waits this long rather than answering 404.</summary>
    private static readonly TimeSpan PictureWait = TimeSpan.FromSeconds(5);

    public static IEndpointRouteBuilder MapEvents(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1/events").RequireAuthorization(AppTokenAuthenticationHandler.Policy)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        api.MapGet("", ListAsync).WithName("ListEvents")
            .WithDescription("Events newest first. from, to, before: ISO 8601 times with offset; camera: a camera id; show: all, people, vehicles, animals; limit: 1–500 (100).")
            .Produces<IReadOnlyList<EventInfo>>(StatusCodes.Status200OK).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapMethods("/live", [HttpMethods.Connect], LiveAsync).ExcludeFromDescription(); // wss:// over HTTP/2 (RFC 8441)
        api.MapGet("/live", LiveAsync).WithName("LiveEvents")
            .WithDescription("A WebSocket of text messages, one per event start and end and per health alert, as {type, event|health, device}. Closed with status 4001 when the password changes, 4003 when this app's token is revoked.");
        api.MapGet("/{eventId}/snapshot.jpg", (HttpContext context, string eventId, RecordingEngine engine, TimeProvider clock) =>
                PictureAsync(context, eventId, thumbnail: false, engine, clock))
            .WithName("EventSnapshot").Produces(StatusCodes.Status200OK, contentType: "image/jpeg").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{eventId}/thumbnail.jpg", (HttpContext context, string eventId, RecordingEngine engine, TimeProvider clock) =>
                PictureAsync(context, eventId, thumbnail: true, engine, clock))
            .WithName("EventThumbnail").Produces(StatusCodes.Status200OK, contentType: "image/jpeg").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{eventId}/clip.mp4", ClipAsync).WithName("EventClip")
            .WithDescription("The event's main stream from 5 s before it to 5 s after it. Honours Range requests. 429 with Retry-After when this app, or all together, already have as many recorded videos being sent as the recorder allows. 410 when its recordings were deleted since the clip was planned.")
            .Produces(StatusCodes.Status200OK, contentType: "video/mp4").ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status410Gone)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapPost("/{eventId}/keep", (string eventId, RecordingEngine engine) => KeepAsync(eventId, true, engine)).WithName("KeepEvent")
            .WithDescription("Keeps the event and the recordings of its clip from retention (within a fifth of the recordings space).")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        api.MapDelete("/{eventId}/keep", (string eventId, RecordingEngine engine) => KeepAsync(eventId, false, engine)).WithName("StopKeepingEvent")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);

        var console = endpoints.MapGroup("/console/media/events").ExcludeFromDescription().RequireAuthorization(ConsoleSession.Policy);
        console.MapGet("/{eventId}/snapshot.jpg", (HttpContext context, string eventId, RecordingEngine engine, TimeProvider clock) =>
            PictureAsync(context, eventId, thumbnail: false, engine, clock));
        console.MapGet("/{eventId}/thumbnail.jpg", (HttpContext context, string eventId, RecordingEngine engine, TimeProvider clock) =>
            PictureAsync(context, eventId, thumbnail: true, engine, clock));
        console.MapGet("/{eventId}/clip.mp4", ClipAsync);
        return endpoints;
    }

    private static async Task<IResult> ListAsync(
        string? from, string? to, string? camera, string? show, string? limit, string? before, EventDescriptions descriptions, RecordingEngine engine)
    {
        DateTimeOffset? start = null, end = null, earlier = null;
        string error;
        if (from is not null && !TryTime(from, "from", out start, out error)
            || to is not null && !TryTime(to, "to", out end, out error)
            || before is not null && !TryTime(before, "before", out earlier, out error))
        {
            return Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidRequest, error);
        }

        if (!ShowFilter.TryLabels(show, out var labels))
        {
            return Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidRequest, "show must be all, people, vehicles or animals.");
        }

        var count = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxLimit))
        {
            return Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidRequest, $"limit must be a whole number from 1 to {MaxLimit}.");
        }

        var names = await descriptions.CameraNamesAsync();
        if (camera is not null && !names.ContainsKey(camera))
        {
            return Problem(StatusCodes.Status404NotFound, ProblemTypes.NotFound, "There is no camera with this id.");
        }

        var events = await engine.Events.ListAsync(new EventFilter(start, end, camera, labels, earlier, count));
        return TypedResults.Ok<IReadOnlyList<EventInfo>>(
            [.. events.Select(e => EventDescriptions.Describe(e, names.GetValueOrDefault(e.CameraId, e.CameraId)))]);

        static bool TryTime(string text, string name, out DateTimeOffset? time, out string error)
        {
            var ok = VideoQuery.TryTime(text, name, out var parsed, out error);
            time = ok ? parsed : null;
            return ok;
        }
    }

    private static async Task<IResult> PictureAsync(HttpContext context, string eventId, bool thumbnail, RecordingEngine engine, TimeProvider clock)
    {
        if (await FindAsync(eventId, engine) is not { } recorded)
        {
            return NoSuchEvent();
        }

        // A new event's pictures take a moment: its alert links them at once.
        var waited = clock.GetTimestamp();
        while ((thumbnail ? recorded.ThumbnailPath : recorded.SnapshotPath) is null
            && clock.GetElapsedTime(waited) < PictureWait && !await engine.Events.Changes.PicturesSettledAsync(recorded.Id))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), clock, context.RequestAborted);
            recorded = await engine.Events.GetAsync(recorded.Id) ?? recorded;
        }

        var path = thumbnail ? recorded.ThumbnailPath : recorded.SnapshotPath;
        var file = path is null ? null : engine.Layout.FullPath(path);
        if (file is null || !File.Exists(file))
        {
            return Problem(StatusCodes.Status404NotFound, ProblemTypes.NotFound, "This event has no picture.");
        }

        if (!thumbnail)
        {
            context.Response.Headers.CacheControl = "private, max-age=86400";
            return Results.File(file, "image/jpeg");
        }

        // A thumbnail is redrawn once the detector has seen what moved: asked again each time, answered 304 while the same.
        var written = File.GetLastWriteTimeUtc(file);
        context.Response.Headers.CacheControl = "private, no-cache";
        return Results.File(file, "image/jpeg", lastModified: written,
            entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{written.Ticks.ToString("x", CultureInfo.InvariantCulture)}\""));
    }

    private static async Task<IResult> ClipAsync(HttpContext context, string eventId, RecordingEngine engine, OpenStreams open, HeavyRequests heavy)
    {
        if (await FindAsync(eventId, engine) is not { } recorded)
        {
            return NoSuchEvent();
        }

        using var slot = heavy.Enter(context, HeavyRequests.Work.Download);
        if (slot.Refusal is { } busy)
        {
            return busy;
        }

        if (await engine.EventClipAsync(recorded) is not { } clip)
        {
            return Problem(StatusCodes.Status404NotFound, ProblemTypes.NotRecorded, "Nothing of this event's camera was recorded around it.");
        }

        var name = $"{recorded.CameraId}_event{recorded.Id.ToString(CultureInfo.InvariantCulture)}_{recorded.Start.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.mp4";
        return await RecordedVideo.SendExcerptAsync(context, clip, engine, open, name);
    }

    private static async Task<IResult> KeepAsync(string eventId, bool keep, RecordingEngine engine)
    {
        if (await FindAsync(eventId, engine) is not { } recorded)
        {
            return NoSuchEvent();
        }

        return await engine.KeepEventAsync(recorded.Id, keep) switch
        {
            KeepOutcome.Done => TypedResults.NoContent(),
            KeepOutcome.OverShare => Problem(StatusCodes.Status409Conflict, ProblemTypes.KeepLimitReached, KeepLimitText),
            _ => NoSuchEvent(),
        };
    }

    /// <summary>What the owner is told when Keep is refused.</summary>
    public static string KeepLimitText { get; } = string.Create(CultureInfo.InvariantCulture,
        $"Kept events may take at most {RecordingEngine.KeptShare:P0} of the recordings space. Stop keeping older events first.");

    private static async Task<IResult> LiveAsync(HttpContext context, EventFeed feed, OpenStreams open)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            return Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidRequest, "Open this address as a WebSocket.");
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var lease = open.Open(context);
        using var subscription = feed.Subscribe();
        using var gone = CancellationTokenSource.CreateLinkedTokenSource(lease.Token);
        _ = VideoSockets.ListenForCloseAsync(socket, gone);
        try
        {
            await foreach (var message in subscription.Messages.ReadAllAsync(gone.Token))
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message, EventJson.Options), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (lease.Token.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            await VideoSockets.CloseForAsync(socket, lease.EndedBy);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
        {
            await VideoSockets.CloseAsync(socket, WebSocketCloseStatus.NormalClosure, "Closed.");
        }

        return Results.Empty;
    }

    private static async Task<RecordedEvent?> FindAsync(string eventId, RecordingEngine engine) =>
        long.TryParse(eventId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? await engine.Events.GetAsync(id) : null;

    private static ProblemHttpResult NoSuchEvent() => Problem(StatusCodes.Status404NotFound, ProblemTypes.NotFound, "There is no event with this id.");

    private static ProblemHttpResult Problem(int status, string type, string detail) => TypedResults.Problem(detail: detail, statusCode: status, type: type);
}
