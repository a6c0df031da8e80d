namespace Nightjar.Recorder.Audit;

public sealed record AuditEntry(long Id, DateTimeOffset AtUtc, string Event, string Detail);
