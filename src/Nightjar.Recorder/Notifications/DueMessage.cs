namespace Nightjar.Recorder.Notifications;

/// <summary>A message whose turn has come: what a sender needs to deliver it. <see cref="Folded"/> later messages were folded into it.</summary>
public sealed record DueMessage(long Id, string Channel, string Purpose, string? SequenceKey, byte[] Content, DateTimeOffset NotAfter, int Attempts, int Folded);
