using Nightjar.Recording.Storage;

namespace Nightjar.Recording;

/// <summary>Settings → Storage: where recordings go, how much they use, what is kept, and what was deleted to make room.</summary>
public sealed record StorageFigures(
    string Folder,
    DiskSpace Disk,
    long UsedBytes,
    long? MaxBytes,
    long MinFreeBytes,
    long KeptFreeForOthersBytes,
    long EffectiveQuotaBytes,
    int ForcedDeletions,
    IReadOnlyList<(string CameraId, DateTimeOffset Oldest, long Bytes)> Cameras);
