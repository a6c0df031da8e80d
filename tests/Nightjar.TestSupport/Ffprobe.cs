using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Nightjar.TestSupport;

/// <summary>Debian's ffprobe, asked about a file the way a person checking a recording would.</summary>
public static class Ffprobe
{
    public sealed record StreamInfo(string CodecType, string CodecName, int Width, int Height, int Frames);

    public sealed record Packet(int StreamIndex, long Pts, long Dts, double DtsTime, bool IsKeyframe);

    public sealed record Report(IReadOnlyList<StreamInfo> Streams, IReadOnlyList<Packet> VideoPackets, string Errors);

    /// <summary>Streams (frames counted by decoding) and every video packet; <see cref="Report.Errors"/> holds what ffprobe complained about.</summary>
    public static async Task<Report> ProbeAsync(string path)
    {
        var json = await RunAsync(["-v", "error", "-count_frames", "-show_streams", "-show_packets", "-select_streams", "v", "-of", "json", path]);
        using var document = JsonDocument.Parse(json.Output);
        var streams = new List<StreamInfo>();
        foreach (var s in document.RootElement.GetProperty("streams").EnumerateArray())
        {
            streams.Add(new StreamInfo(
                s.GetProperty("codec_type").GetString()!,
                s.GetProperty("codec_name").GetString()!,
                s.TryGetProperty("width", out var w) ? w.GetInt32() : 0,
                s.TryGetProperty("height", out var h) ? h.GetInt32() : 0,
                s.TryGetProperty("nb_read_frames", out var f) ? int.Parse(f.GetString()!, CultureInfo.InvariantCulture) : 0));
        }

        var packets = new List<Packet>();
        if (document.RootElement.TryGetProperty("packets", out var list))
        {
            foreach (var p in list.EnumerateArray())
            {
                packets.Add(new Packet(
                    p.GetProperty("stream_index").GetInt32(),
                    long.Parse(p.GetProperty("pts").ToString(), CultureInfo.InvariantCulture),
                    long.Parse(p.GetProperty("dts").ToString(), CultureInfo.InvariantCulture),
                    double.Parse(p.GetProperty("dts_time").GetString()!, CultureInfo.InvariantCulture),
                    p.GetProperty("flags").GetString()!.Contains('K', StringComparison.Ordinal)));
            }
        }

        return new Report(streams, packets, json.Errors);
    }

    /// <summary>All streams of a file, audio included (no packets).</summary>
    public static async Task<IReadOnlyList<string>> CodecsAsync(string path)
    {
        var result = await RunAsync(["-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", path]);
        return [.. result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    /// <summary>The file's duration as ffprobe gives it (its format's), in seconds.</summary>
    public static async Task<double> DurationAsync(string path)
    {
        var result = await RunAsync(["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path]);
        return double.Parse(result.Output.Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>The first picture of an image or video (given as bytes), decoded by ffmpeg to one grey byte per pixel.</summary>
    public static Task<byte[]> GrayPictureAsync(byte[] input) => RawPictureAsync(input, "gray");

    /// <summary>
    /// The first picture of an image or video (given as bytes), through ffmpeg's <paramref name="filter"/> when given,
    /// as raw pixels of <paramref name="pixelFormat"/> (<c>gray</c>, <c>rgb24</c>, <c>bgr24</c>).
    /// </summary>
    public static async Task<byte[]> RawPictureAsync(byte[] input, string pixelFormat, string? filter = null)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string[] filtering = filter is null ? [] : ["-vf", filter];
        foreach (var arg in new[] { "-v", "error", "-i", "pipe:0" }.Concat(filtering).Concat(["-frames:v", "1", "-f", "rawvideo", "-pix_fmt", pixelFormat, "pipe:1"]))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = new MemoryStream();
        var reading = process.StandardOutput.BaseStream.CopyToAsync(output);
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            await process.StandardInput.BaseStream.WriteAsync(input);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // ffmpeg stops reading once it has its one picture.
        }

        await reading;
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output.ToArray() : throw new InvalidOperationException("ffmpeg could not decode the picture: " + await errors);
    }

    private static async Task<(string Output, string Errors)> RunAsync(string[] args)
    {
        var start = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (await output, await errors);
    }
}
