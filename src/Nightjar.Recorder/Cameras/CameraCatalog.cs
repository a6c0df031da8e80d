using Microsoft.Extensions.Options;
using Nightjar.Recorder.Audit;
using Nightjar.Recorder.Security;
using Nightjar.Recording;
using Nightjar.Recording.Motion;

namespace Nightjar.Recorder.Cameras;

/// <summary>
/// The cameras: those declared in configuration (read-only, channels first) and those added on the console. Every
/// change is saved, written to the audit log, and handed to the recording engine, which reconnects only the streams
/// whose settings changed.
/// </summary>
public sealed class CameraCatalog(
    CameraStore store, IOptions<CamerasOptions> configured, RecordingEngine engine, AuditLog audit, ILogger<CameraCatalog> logger) : IDisposable
{
    /// <summary>Channels on the console and the recorder's rated capacity (16 main streams and their sub-streams).</summary>
    public const int MaxCameras = 16;

    private readonly SemaphoreSlim changes = new(1, 1);

    /// <summary>A camera was added, changed or removed.</summary>
    public event Action? Changed;

    public async Task<IReadOnlyList<CameraEntry>> ListAsync() => [.. (await LoadAsync()).Select(c => c.Entry)];

    /// <summary>Names of every camera with recordings: current ones and removed ones whose recordings were kept.</summary>
    public async Task<IReadOnlyDictionary<string, string>> NamesAsync()
    {
        var names = new Dictionary<string, string>(await store.RemovedNamesAsync(), StringComparer.Ordinal);
        foreach (var camera in await ListAsync())
        {
            names[camera.Id] = camera.Name;
        }

        return names;
    }

    /// <summary>Tells the engine which cameras to record (at host start, and after every change).</summary>
    public async Task ApplyAsync() => await engine.ApplyAsync([.. (await LoadAsync(decrypt: true)).Select(c => c.Source)]);

    /// <summary>
    /// Cameras saved before credentials in a URL's query (<c>?user=admin&amp;password=…</c>) were taken out hold them in
    /// the clear. At start, each is saved again as the dialog would save it: the password encrypted, the parameters left
    /// empty in the URL (filled in for ffmpeg alone, so the camera records as before). The WAL is emptied afterwards,
    /// as it still holds the rows as they were. A camera whose URL the rules refuse stays as it is, with an error logged.
    /// </summary>
    public async Task MoveQueryCredentialsOutOfSavedUrlsAsync()
    {
        await changes.WaitAsync();
        try
        {
            var moved = 0;
            foreach (var saved in await store.ListAsync())
            {
                Uri? sub = null;
                if (!Uri.TryCreate(saved.StreamUrl, UriKind.Absolute, out var main)
                    || (saved.SubStreamUrl is not null && !Uri.TryCreate(saved.SubStreamUrl, UriKind.Absolute, out sub))
                    || !(HoldsQueryCredentials(main) || (sub is not null && HoldsQueryCredentials(sub))))
                {
                    continue;
                }

                var onvif = OnvifAddressOf(saved);
                var form = new CameraForm(saved.Name, saved.StreamUrl, saved.SubStreamUrl ?? "", saved.UserName, "", saved.Enabled) { Motion = saved.Motion, OnvifAddress = onvif };
                var entry = new CameraEntry(saved.Id, 0, saved.Name, main, sub, saved.UserName, saved.PasswordCipher is not null, saved.Enabled,
                    FromConfiguration: false, saved.Motion, onvif);
                if (CameraRules.Check(form, [], entry) is { Settings: { } settings })
                {
                    await store.UpdateAsync(saved.Id, settings);
                    moved++;
                }
                else
                {
                    logger.LogError("Camera {Id} has a user name or password in its URL that cannot be moved out; open it on the Cameras screen and save it again.", saved.Id);
                }
            }

            if (moved > 0)
            {
                await store.ForgetOldRowsAsync();
                logger.LogInformation("The credentials in the URLs of {Count} camera(s) were moved into their encrypted passwords.", moved);
            }
        }
        finally
        {
            changes.Release();
        }

        static bool HoldsQueryCredentials(Uri url) => QueryCredentials.Read(url.Query) is var (users, passwords) && users.Count + passwords.Count > 0;
    }

    /// <summary>Adds a camera (<paramref name="id"/> null) or saves an existing one's settings.</summary>
    public async Task<CameraSaveOutcome> SaveAsync(string? id, CameraForm form)
    {
        await changes.WaitAsync();
        try
        {
            var cameras = await LoadAsync();
            var existing = id is null ? null : cameras.FirstOrDefault(c => c.Entry.Id == id);
            if (id is not null && existing is null)
            {
                return Refused(form, "This camera no longer exists.");
            }

            if (existing?.Entry.FromConfiguration == true)
            {
                return Refused(form, "This camera is set in the recorder's configuration; change it there.");
            }

            if (existing is null && cameras.Count >= MaxCameras)
            {
                return Refused(form, $"All {MaxCameras} channels have a camera. Remove one first.");
            }

            var check = CameraRules.Check(form, cameras.Where(c => c.Entry.Id != id).Select(c => c.Entry.Name), existing?.Entry);
            if (check.Settings is not { } settings)
            {
                return new CameraSaveOutcome(check.Errors, check.Form, null);
            }

            if (existing is null)
            {
                id = "cam-" + Crockford32.Random(6).ToLowerInvariant();
                await store.AddAsync(id, settings);
                await audit.WriteAsync(AuditEvent.CameraAdded, $"Camera \"{settings.Name}\" added ({settings.StreamUrl.AbsoluteUri}).");
            }
            else
            {
                await store.UpdateAsync(id!, settings);
                await audit.WriteAsync(AuditEvent.CameraChanged, $"Camera \"{settings.Name}\" changed ({settings.StreamUrl.AbsoluteUri}).");
            }

            var now = await LoadAsync(decrypt: true);
            await engine.ApplyAsync([.. now.Select(c => c.Source)]);
            var saved = now.First(c => c.Entry.Id == id).Entry;
            Changed?.Invoke();
            return new CameraSaveOutcome(check.Errors, saved.ToForm(), saved);
        }
        finally
        {
            changes.Release();
        }
    }

    /// <summary>
    /// Tries the settings in the dialog without saving them: with the saved password when the field is empty and the
    /// address is the one it was saved with (<see cref="CameraRules.Check"/>).
    /// </summary>
    public async Task<CameraTestOutcome> TestAsync(string? id, CameraForm form, CancellationToken cancellationToken)
    {
        var cameras = await LoadAsync(decrypt: true);
        var existing = id is null ? null : cameras.FirstOrDefault(c => c.Entry.Id == id);
        // Test needs the stream, not a name: a camera not yet named is tried all the same (Save asks for the name).
        var named = form.Name.Trim().Length == 0 ? form with { Name = "Camera" } : form;
        var check = CameraRules.Check(named, [], existing?.Entry);
        check = check with { Form = check.Form with { Name = form.Name } };
        if (check.Settings is not { } settings)
        {
            return new CameraTestOutcome(check.Errors, check.Form, null);
        }

        var password = settings.Password ?? existing?.Source.Main.Password ?? "";
        var result = await engine.ProbeAsync(new StreamEndpoint(settings.StreamUrl, settings.UserName, password), cancellationToken);
        return new CameraTestOutcome(check.Errors, check.Form, result);
    }

    /// <summary>Removes a camera added on the console; its recordings stay (with its name) unless <paramref name="deleteRecordings"/>.</summary>
    public async Task<string?> RemoveAsync(string id, bool deleteRecordings)
    {
        await changes.WaitAsync();
        try
        {
            var camera = (await LoadAsync()).FirstOrDefault(c => c.Entry.Id == id)?.Entry;
            if (camera is null)
            {
                return "This camera no longer exists.";
            }

            if (camera.FromConfiguration)
            {
                return "This camera is set in the recorder's configuration; remove it there.";
            }

            await store.MarkRemovedAsync(id);
            await ApplyAsync();
            if (deleteRecordings)
            {
                await engine.DeleteRecordingsAsync(id);
                await store.DeleteAsync(id);
            }

            await audit.WriteAsync(AuditEvent.CameraRemoved,
                $"Camera \"{camera.Name}\" removed; its recordings were {(deleteRecordings ? "deleted" : "kept")}.");
            Changed?.Invoke();
            return null;
        }
        finally
        {
            changes.Release();
        }
    }

    private static CameraSaveOutcome Refused(CameraForm form, string message) =>
        new(new Dictionary<string, string> { [CameraField.Form] = message }, form, null);

    /// <summary>A camera as listed, and as the engine records it (its password empty unless loaded with <c>decrypt</c>).</summary>
    private sealed record Loaded(CameraEntry Entry, CameraSource Source);

    /// <summary>
    /// The cameras. Saved passwords are decrypted only with <paramref name="decrypt"/>: to connect (recording, Test, ONVIF),
    /// never to list, so the console's and the API's many readings of the list leave the passwords sealed.
    /// </summary>
    private async Task<List<Loaded>> LoadAsync(bool decrypt = false)
    {
        var cameras = new List<Loaded>();
        foreach (var (_, id, camera) in configured.Value.Ordered())
        {
            // Validated at start (CamerasOptionsValidator): the URLs parse.
            var motion = camera.ReadMotion().Settings!;
            var form = new CameraForm(camera.Name ?? "", camera.StreamUrl ?? "", camera.SubStreamUrl ?? "", camera.UserName ?? "", camera.Password ?? "")
            {
                OnvifAddress = camera.OnvifService,
                Motion = motion,
            };
            var check = CameraRules.Check(form, [], editing: null);
            var settings = check.Settings!;
            motion = settings.Motion;
            cameras.Add(new Loaded(
                new CameraEntry(id, cameras.Count + 1, settings.Name, settings.StreamUrl, settings.SubStreamUrl, settings.UserName,
                    !string.IsNullOrEmpty(settings.Password), Enabled: true, FromConfiguration: true, motion, settings.OnvifAddress),
                Source(id, settings.Name, settings.StreamUrl, settings.SubStreamUrl, settings.UserName, settings.Password ?? "", true, motion)));
        }

        foreach (var saved in await store.ListAsync())
        {
            if (!Uri.TryCreate(saved.StreamUrl, UriKind.Absolute, out var main))
            {
                logger.LogError("Camera {Id} has a stream URL that no longer parses; it is not recorded.", saved.Id);
                continue;
            }

            Uri? sub = saved.SubStreamUrl is null ? null : new Uri(saved.SubStreamUrl);
            var password = decrypt ? store.PasswordOf(saved) : "";
            if (decrypt && saved.PasswordCipher is not null && password.Length == 0)
            {
                logger.LogError("The saved password of camera {Id} cannot be decrypted (the key file was replaced); type it again.", saved.Id);
            }

            cameras.Add(new Loaded(
                new CameraEntry(saved.Id, cameras.Count + 1, saved.Name, main, sub, saved.UserName, saved.PasswordCipher is not null, saved.Enabled, false, saved.Motion,
                    OnvifAddressOf(saved)),
                Source(saved.Id, saved.Name, main, sub, saved.UserName, password, saved.Enabled, saved.Motion)));
        }

        return cameras;
    }

    /// <summary>
    /// Where to reach a camera's ONVIF services and the login to send there (the camera's own), or null when it was not
    /// added through ONVIF or is gone.
    /// </summary>
    public async Task<(Uri Address, string UserName, string Password)?> OnvifLoginAsync(string id) =>
        (await LoadAsync(decrypt: true)).FirstOrDefault(c => c.Entry.Id == id) is { Entry.OnvifAddress: { } address } camera
            ? (address, camera.Source.Main.UserName, camera.Source.Main.Password)
            : null;

    private static Uri? OnvifAddressOf(CameraStore.SavedCamera saved) =>
        Uri.TryCreate(saved.OnvifAddress, UriKind.Absolute, out var address) ? address : null;

    public void Dispose() => changes.Dispose();

    private static CameraSource Source(string id, string name, Uri main, Uri? sub, string user, string password, bool enabled, MotionSettings motion) =>
        new(id, name, new StreamEndpoint(main, user, password), sub is null ? null : new StreamEndpoint(sub, user, password), enabled) { Motion = motion };
}
