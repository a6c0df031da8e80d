namespace Nightjar.Recorder.Mail;

/// <summary><c>Nightjar:Mail:Dkim</c>: when all three are set, every message is DKIM-signed (RSA-SHA256, relaxed/relaxed).</summary>
public sealed class DkimOptions
{
    public string? Domain { get; set; }

    public string? Selector { get; set; }

    /// <summary>PEM file with the RSA private key whose public half is published at <c>selector._domainkey.domain</c>.</summary>
    public string? PrivateKeyFile { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Domain) && !string.IsNullOrWhiteSpace(Selector) && !string.IsNullOrWhiteSpace(PrivateKeyFile);
}
