namespace Nightjar.Contracts;

/// <summary>
/// What a Web Push alert carries, encrypted for one browser: the words to show, a tag (a later alert with the same
/// tag replaces the earlier one), the web app's page to open when tapped, and the picture to fetch from the recorder
/// when the phone can reach it (null when there is none).
/// </summary>
public sealed record PushNotification(string Title, string Body, string Tag, string Url, string? Picture, DateTimeOffset At);
