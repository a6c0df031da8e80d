namespace Nightjar.Recording.Events;

/// <summary>
/// Which events to list, newest first: those starting in [<see cref="From"/>, <see cref="To"/>) and before
/// <see cref="Before"/> (for the next page), of one camera or all, with one of <see cref="Labels"/> seen in them
/// (empty: any), at most <see cref="Limit"/>.
/// </summary>
public sealed record EventFilter(
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    string? CameraId = null,
    IReadOnlyCollection<string>? Labels = null,
    DateTimeOffset? Before = null,
    int Limit = 100);
