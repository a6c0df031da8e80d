namespace Nightjar.Recording.Playback;

/// <summary>
/// One recording file's part of an excerpt: fragments <see cref="FirstFragment"/> to <see cref="FirstFragment"/> +
/// <see cref="Fragments"/> − 1 of the file (in the index's order), which lie one after the other in the file from
/// <see cref="FileOffset"/> for <see cref="Size"/> bytes, and in the excerpt from <see cref="ExcerptOffset"/>. Their
/// decode times move by <see cref="Shift"/> (90 kHz ticks) so that the excerpt's time 0 is its start, and they are
/// numbered from <see cref="FirstSequence"/>. One per file, not per frame: a day's excerpt is about 1,440 of these.
/// </summary>
internal readonly record struct ExcerptPiece(
    long RecordingId, string Path, int FirstFragment, int Fragments, long FileOffset, long Size, long ExcerptOffset, long Shift, int FirstSequence);
