namespace Nightjar.Contracts;

/// <summary>Which recorder a message comes from: its id (<c>NJ-XXXX-XXXX</c>) and the name its owner gave it.</summary>
public sealed record DeviceSummary(string Id, string Name);
