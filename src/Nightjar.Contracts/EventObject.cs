namespace Nightjar.Contracts;

/// <summary>Something recognised in an event: its label ("person", "car", …), its best score (0–1) and where it was.</summary>
public sealed record EventObject(string Label, double Score, EventRegion Box);
