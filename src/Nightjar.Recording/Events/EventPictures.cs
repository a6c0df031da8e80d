using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Nightjar.Recording.Detection;
using Nightjar.Recording.Motion;
using Nightjar.Recording.Mp4;
using Nightjar.Recording.Storage;

namespace Nightjar.Recording.Events;

/// <summary>
/// An event's pictures: a real picture of the camera's main stream (or its only one) at the moment the event was
/// seen, and a small thumbnail of it, as JPEG files beside the recordings
/// (<c>&lt;camera&gt;/events/&lt;yyyy-MM-dd&gt;/&lt;id&gt;.jpg</c> and <c>&lt;id&gt;-thumb.jpg</c>). The picture of that moment
/// is decoded from the last keyframe on, which ffmpeg does in one run; at most two run at once in the whole recorder.
/// </summary>
internal sealed class EventPictures(RecordingLayout layout, string ffmpegPath, ILogger logger) : IDisposable
{
    public const int ThumbnailWidth = 320;

    /// <summary>
    /// Frames decoded at most to reach the present picture (3 s at 25 fps). A camera with longer keyframe intervals
    /// gets its last keyframe instead: decoding 10 s of 4K for one picture would cost more than the event is worth.
    /// </summary>
    private const int MaxFramesDecoded = 75;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private static readonly string[] CommonArguments = ["-nostdin", "-hide_banner", "-loglevel", "error", "-protocol_whitelist", "pipe", "-threads", "1"];

    private readonly SemaphoreSlim running = new(2, 2);

    public static string SnapshotPath(string cameraId, long eventId, DateTimeOffset start) => Folder(cameraId, start) + eventId.ToString(CultureInfo.InvariantCulture) + ".jpg";

    public static string ThumbnailPath(string cameraId, long eventId, DateTimeOffset start) => Folder(cameraId, start) + eventId.ToString(CultureInfo.InvariantCulture) + "-thumb.jpg";

    private static string Folder(string cameraId, DateTimeOffset start) =>
        cameraId + "/events/" + start.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "/";

    /// <summary>
    /// Writes both pictures from <paramref name="fragments"/> (a keyframe and what followed it) and returns their
    /// relative paths and size, or null when they could not be made (logged; the event goes on without pictures).
    /// </summary>
    public async Task<(string Snapshot, string Thumbnail, long Bytes)?> MakeAsync(
        string cameraId, long eventId, DateTimeOffset start, InitSegment init, IReadOnlyList<MediaFragment> fragments, CancellationToken cancellationToken)
    {
        await running.WaitAsync(cancellationToken);

        var snapshot = SnapshotPath(cameraId, eventId, start);
        var thumbnail = ThumbnailPath(cameraId, eventId, start);
        try
        {
            var used = fragments.Count <= MaxFramesDecoded ? fragments : fragments.Take(1).ToList();
            Directory.CreateDirectory(Path.GetDirectoryName(layout.FullPath(snapshot))!);
            if (!await RunAsync(init, used, layout.FullPath(snapshot), layout.FullPath(thumbnail), cancellationToken))
            {
                Delete(snapshot);
                Delete(thumbnail);
                return null;
            }

            long bytes = 0;
            foreach (var path in new[] { snapshot, thumbnail })
            {
                var file = layout.FullPath(path);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(file, OwnerOnly.FileMode);
                }

                bytes += new FileInfo(file).Length;
            }

            return (snapshot, thumbnail, bytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("The pictures of event {Event} could not be written: {Message}", eventId, ex.Message);
            Delete(snapshot);
            Delete(thumbnail);
            return null;
        }
        finally
        {
            running.Release();
        }
    }

    /// <summary>
    /// Redraws an event's thumbnail from a picture the detector looked at, with a box around what it saw there, in place
    /// of the one from the event's start (where the person may not yet have been). Returns how many bytes the thumbnail
    /// grew by (or shrank: negative), or null when it could not be drawn (logged; the old one stays).
    /// </summary>
    public async Task<long?> RedrawThumbnailAsync(string thumbnail, DetectionPicture picture, MotionRegion box, CancellationToken cancellationToken)
    {
        await running.WaitAsync(cancellationToken);
        var file = layout.FullPath(thumbnail);
        // Written beside it and renamed over it, so a reader never gets half a picture; a crash leaves an orphan that
        // start-up deletes.
        var drawing = file[..^".jpg".Length] + ".new.jpg";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var content = picture.Content;
            var filter = string.Create(CultureInfo.InvariantCulture,
                $"crop={content.Width}:{content.Height}:{content.X}:{content.Y},scale={ThumbnailWidth}:-2,"
                + $"drawbox=x=iw*{box.X:0.####}:y=ih*{box.Y:0.####}:w=iw*{box.Width:0.####}:h=ih*{box.Height:0.####}:color=yellow@0.9:t=2");
            string[] arguments =
            [
                "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", string.Create(CultureInfo.InvariantCulture, $"{picture.Width}x{picture.Height}"), "-i", "pipe:0",
                "-vf", filter, "-frames:v", "1", "-q:v", "5", "-f", "image2", "-update", "1", "-y", drawing,
            ];
            if (!await RunFfmpegAsync(arguments, [drawing], (input, token) => input.WriteAsync(picture.Bgr, token).AsTask(), cancellationToken))
            {
                File.Delete(drawing);
                return null;
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(drawing, OwnerOnly.FileMode);
            }

            var before = File.Exists(file) ? new FileInfo(file).Length : 0;
            var after = new FileInfo(drawing).Length;
            File.Move(drawing, file, overwrite: true);
            return after - before;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("The thumbnail {Path} could not be redrawn: {Message}", thumbnail, ex.Message);
            return null;
        }
        finally
        {
            running.Release();
        }
    }

    /// <summary>Deletes a picture; one that is already gone is fine.</summary>
    public void Delete(string? relativePath)
    {
        if (relativePath is null)
        {
            return;
        }

        try
        {
            File.Delete(layout.FullPath(relativePath));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not delete the event picture {Path}: {Message}", relativePath, ex.Message);
        }
    }

    /// <summary>
    /// At start: deletes pictures whose event is gone (a crash between the picture and its row) and forgets pictures
    /// whose file is gone, so every picture the index names can be served and no file is kept that nothing names.
    /// </summary>
    public async Task ReconcileAsync(EventIndex events)
    {
        var known = await events.PicturePathsAsync();
        var orphans = 0;
        foreach (var file in EnumerateFiles())
        {
            if (!known.Remove(file))
            {
                Delete(file);
                orphans++;
            }
        }

        if (known.Count > 0)
        {
            await events.ForgetPicturesAsync(known);
        }

        if (orphans + known.Count > 0)
        {
            logger.LogWarning("Event pictures reconciled at start: {Orphans} without an event deleted, {Missing} missing forgotten.", orphans, known.Count);
        }
    }

    /// <summary>Every event picture in the recordings folder, as relative paths.</summary>
    private IEnumerable<string> EnumerateFiles()
    {
        if (!Directory.Exists(layout.Root))
        {
            yield break;
        }

        foreach (var camera in Directory.EnumerateDirectories(layout.Root))
        {
            var events = Path.Combine(camera, "events");
            if (!Directory.Exists(events))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(events, "*.jpg", SearchOption.AllDirectories))
            {
                yield return Path.GetRelativePath(layout.Root, file).Replace(Path.DirectorySeparatorChar, '/');
            }
        }
    }

    private Task<bool> RunAsync(InitSegment init, IReadOnlyList<MediaFragment> fragments, string snapshotFile, string thumbnailFile, CancellationToken cancellationToken)
    {
        var last = fragments.Count - 1;
        string[] arguments =
        [
            "-f", "mp4", "-i", "pipe:0",
            "-filter_complex", string.Create(CultureInfo.InvariantCulture, $"[0:v]select=gte(n\\,{last}),split=2[full][small];[small]scale={ThumbnailWidth}:-2[thumb]"),
            "-map", "[full]", "-frames:v", "1", "-q:v", "3", "-f", "image2", "-update", "1", "-y", snapshotFile,
            "-map", "[thumb]", "-frames:v", "1", "-q:v", "5", "-f", "image2", "-update", "1", "-y", thumbnailFile,
        ];
        return RunFfmpegAsync(arguments, [snapshotFile, thumbnailFile], async (input, token) =>
        {
            await input.WriteAsync(init.Bytes, token);
            foreach (var fragment in fragments)
            {
                await input.WriteAsync(fragment.Bytes, token);
            }
        }, cancellationToken);
    }

    /// <summary>Runs ffmpeg once on what <paramref name="writeInput"/> writes to it; true when every output file was made.</summary>
    private async Task<bool> RunFfmpegAsync(
        IEnumerable<string> arguments, IReadOnlyList<string> outputs, Func<Stream, CancellationToken, Task> writeInput, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(ffmpegPath)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in CommonArguments.Concat(arguments))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start);
        if (process is null)
        {
            return false;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            var errors = process.StandardError.ReadToEndAsync(timeout.Token);
            await writeInput(process.StandardInput.BaseStream, timeout.Token);
            process.StandardInput.Close();
            await process.WaitForExitAsync(timeout.Token);
            var said = await errors;
            if (process.ExitCode != 0 || !outputs.All(File.Exists))
            {
                logger.LogWarning("An event picture could not be made: {Error}", said.Length > 300 ? said[..300] : said);
                return false;
            }

            return true;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            try
            {
                process.Kill();
            }
            catch (InvalidOperationException)
            {
            }

            cancellationToken.ThrowIfCancellationRequested();
            logger.LogWarning("An event picture could not be made in time.");
            return false;
        }
    }

    public void Dispose() => running.Dispose();
}
