using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Nightjar.Contracts;
using Nightjar.Recorder.Cameras;
using Nightjar.Recording;

namespace Nightjar.Recorder.Video;

/// <summary>
/// Recorded video: a camera's recorded spans and gaps, and excerpts of its recordings as one MP4 with range requests
/// (the console's playback, the app's and the web app's video and downloads, an event's clip).
/// </summary>
internal static class RecordedVideo
{
    internal static async Task<IResult> RecordingsAsync(string cameraId, string? from, string? to, CameraCatalog catalog, RecordingEngine engine)
    {
        if (!VideoQuery.TryRange(from, to, VideoQuery.MaxListRange, out var start, out var end, out var error))
        {
            return VideoEndpoints.Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidRequest, error);
        }

        if (await VideoEndpoints.FindAsync(catalog, cameraId) is not { } id)
        {
            return VideoEndpoints.NoSuchCamera();
        }

        var timeline = await engine.GetTimelineAsync(new StreamKey(id, StreamKind.Main), start, end);
        return TypedResults.Ok(new RecordingsResponse(id, start, end,
            [.. timeline.Spans.Select(s => new RecordedSpan(s.Start, s.End))],
            [.. timeline.Gaps.Select(g => new RecordingGap(g.Start, g.End, g.Reason))]));
    }

    internal static Task<IResult> VideoAsync(
        HttpContext context, string cameraId, string? from, string? to, CameraCatalog catalog, RecordingEngine engine, OpenStreams open, HeavyRequests heavy) =>
        ServeExcerptAsync(context, cameraId, "main", from, to, catalog, engine, open, heavy, download: true);

    internal static Task<IResult> ExcerptAsync(
        HttpContext context, string cameraId, string? stream, string? from, string? to, CameraCatalog catalog, RecordingEngine engine, OpenStreams open, HeavyRequests heavy) =>
        ServeExcerptAsync(context, cameraId, stream, from, to, catalog, engine, open, heavy, download: false);

    /// <summary>
    /// An excerpt, with range requests, until it is sent or the password changes (which aborts the connection); 429
    /// when its client, or all together, already have as many being sent as allowed.
    /// </summary>
    private static async Task<IResult> ServeExcerptAsync(
        HttpContext context, string cameraId, string? stream, string? from, string? to, CameraCatalog catalog, RecordingEngine engine, OpenStreams open,
        HeavyRequests heavy, bool download)
    {
        if (!VideoQuery.TryStream(stream, StreamKind.Main, out var kind, out var error)
            || !VideoQuery.TryRange(from, to, VideoQuery.MaxVideoRange, out var start, out var end, out error))
        {
            return VideoEndpoints.Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidRequest, error);
        }

        if (await VideoEndpoints.FindAsync(catalog, cameraId) is not { } id)
        {
            return VideoEndpoints.NoSuchCamera();
        }

        using var slot = heavy.Enter(context, HeavyRequests.Work.Download);
        if (slot.Refusal is { } busy)
        {
            return busy;
        }

        var excerpt = await engine.ExcerptAsync(new StreamKey(id, kind), start, end);
        if (excerpt is null)
        {
            return VideoEndpoints.Problem(StatusCodes.Status404NotFound, ProblemTypes.NotRecorded, "Nothing was recorded from this camera in that time.");
        }

        var name = download ? $"{id}_{excerpt.Start.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.mp4" : null;
        return await SendExcerptAsync(context, excerpt, engine, open, name);
    }

    /// <summary>
    /// Sends an excerpt as one MP4 with range requests, named <paramref name="downloadName"/> when it is a download,
    /// until it is sent or the password changes (which aborts the connection); on the console, Lock also ends it. Its
    /// files are leased while it is sent, so retention keeping the quota waits for it. Recordings deleted all the same
    /// (the disk's free-space floor, the owner's Delete Recordings) end it cleanly: before the headers with a 410
    /// problem in words, after them by closing the connection early (the only way HTTP says a body is incomplete),
    /// with one line in the log saying why.
    /// </summary>
    internal static async Task<IResult> SendExcerptAsync(
        HttpContext context, Nightjar.Recording.Playback.RecordingExcerpt excerpt, RecordingEngine engine, OpenStreams open, string? downloadName)
    {
        await using var reader = excerpt.TryOpen();
        if (reader is null)
        {
            return RecordingsDeleted(Nightjar.Recording.Playback.RecordingsDeletedException.BeforeRead);
        }

        var headers = context.Response.Headers;
        headers["X-Nightjar-Start"] = excerpt.Start.ToString("O", CultureInfo.InvariantCulture);
        headers["X-Nightjar-End"] = excerpt.End.ToString("O", CultureInfo.InvariantCulture);
        headers["X-Nightjar-Codecs"] = excerpt.Init.BrowserCodecs ?? "";
        headers["X-Nightjar-Cut-Short"] = excerpt.CutShort ? "true" : "false";
        headers.CacheControl = "no-store";
        // The console's playback needs the unlocked console: Lock ends it; the app's does not depend on the console.
        using var lease = open.Open(context, endsWithLock: Hosting.ListenerRouting.ListenerOf(context) == Hosting.Listener.Console);
        using var abortWhenEnded = lease.Token.Register(context.Abort); // a password change, Lock or a revocation
        try
        {
            await Results.Stream(reader, "video/mp4", downloadName, enableRangeProcessing: true).ExecuteAsync(context);
        }
        catch (Nightjar.Recording.Playback.RecordingsDeletedException deleted)
        {
            if (!context.Response.HasStarted)
            {
                context.Response.Clear(); // the range's status and length were set for the video
                return RecordingsDeleted(deleted.Message);
            }

            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RecordedVideo).FullName!).LogInformation(
                "Stopped sending recorded video of {Stream} ({Start:u} to {End:u}) part way: {Reason}", excerpt.Stream, excerpt.Start, excerpt.End, deleted.Message);
            context.Abort();
        }

        return Results.Empty;
    }

    private static ProblemHttpResult RecordingsDeleted(string detail) => VideoEndpoints.Problem(StatusCodes.Status410Gone, ProblemTypes.RecordingsDeleted, detail);
}
