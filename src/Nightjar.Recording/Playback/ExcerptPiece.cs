namespace Nightjar.Recording.Playback;

/// <summary>
/// One fragment of an excerpt: where its bytes are, where they go in the excerpt, and how far its decode times move
/// (<see cref="Shift"/>, in 90 kHz ticks) so that the excerpt's time 0 is its start.
/// </summary>
internal readonly record struct ExcerptPiece(string Path, long FileOffset, int Size, long ExcerptOffset, long Shift, int Sequence);
