namespace Nightjar.Recorder.Video;

/// <summary>One export: what was asked, how far it got, and where the file is (or why it failed).</summary>
public sealed record ExportJob(long Id, string CameraName, DateTimeOffset From, DateTimeOffset To, string FileName, long BytesDone, long BytesTotal, bool Finished, string? Error)
{
    public double Progress => BytesTotal <= 0 ? 0 : (double)BytesDone / BytesTotal;
}
