using Microsoft.Extensions.Options;
using MimeKit;
using Nightjar.Recorder.Hosting;

namespace Nightjar.Recorder.Mail;

/// <summary>
/// Where mail goes when no relay is configured: one <c>.eml</c> file per message in the data folder, readable
/// only by the recorder's user, so someone with a shell on the box can read a Secure Code without email.
/// </summary>
public sealed class PickupFolder(IOptions<RecorderOptions> options)
{
    public string Path { get; } = System.IO.Path.Combine(options.Value.DataDirFullPath, "mail-pickup");

    public string FileFor(long outboxId) => System.IO.Path.Combine(Path, $"message-{outboxId}.eml");

    public async Task WriteAsync(long outboxId, MimeMessage message, CancellationToken cancellationToken)
    {
        DataFolder.CreatePrivate(Path);
        using var content = new MemoryStream();
        await message.WriteToAsync(content, cancellationToken);
        DataFolder.WritePrivateAtomically(FileFor(outboxId), content.ToArray());
    }
}
