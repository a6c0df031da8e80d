namespace Nightjar.Contracts;

/// <summary>The stable <c>type</c> of every RFC 9457 problem the API answers with. Apps switch on these, never on titles.</summary>
public static class ProblemTypes
{
    public const string Base = "https://nightjar.invalid/problems/";
    public const string WrongCredentials = Base + "wrong-credentials";
    public const string CredentialsChanged = Base + "credentials-changed";
    public const string InvalidToken = Base + "invalid-token";
    public const string TooManyAttempts = Base + "too-many-attempts";
    public const string Busy = Base + "busy";
    public const string InvalidRequest = Base + "invalid-request";
    public const string NotFound = Base + "not-found";
    public const string CameraOffline = Base + "camera-offline";
    public const string NotRecorded = Base + "not-recorded";

    /// <summary>410: the recordings asked for were deleted (to make room, or by the owner) after the video was planned; ask again for what is left.</summary>
    public const string RecordingsDeleted = Base + "recordings-deleted";

    /// <summary>A web session's request to change something, or to open a socket, that came from another page (CSRF).</summary>
    public const string CrossSiteRequest = Base + "cross-site-request";

    /// <summary>Keep refused: kept events would take more than their share of the recordings space.</summary>
    public const string KeepLimitReached = Base + "keep-limit-reached";

    /// <summary>The recorder cannot use its storage (a full disk, a read-only or damaged database): 503, try later.</summary>
    public const string StorageUnavailable = Base + "storage-unavailable";

    /// <summary>Extension member of a credentials-changed problem: when the password changed (ISO 8601, UTC).</summary>
    public const string ChangedAtMember = "changedAt";
}
