namespace Nightjar.Recording.Storage;

/// <summary>What one recording file looked like at a flush: everything its index row and new fragment entries need.</summary>
internal sealed record FileSnapshot(
    RecordingFile File,
    long StartUs,
    long EndUs,
    long MediaDuration,
    long LocalStartDeltaUs,
    long Bytes,
    int Fragments,
    int FirstEntry,
    byte[] Entries,
    int EntryCount,
    bool Closed);
