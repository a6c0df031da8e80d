namespace Nightjar.Client;

/// <summary>An outcome and, when it is <see cref="ClientStatus.Ok"/>, its value. <see cref="Message"/> is plain words for the person.</summary>
public sealed record ClientResult<T>(ClientStatus Status, T? Value, string Message, DateTimeOffset? PasswordChangedAt = null, TimeSpan? RetryAfter = null);
