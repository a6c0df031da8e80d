namespace Nightjar.Recorder.Hosting;

/// <summary>
/// <c>Nightjar:Api</c>: where the API listener (apps, the web app) listens, and the owner's own certificate, if any
/// (<c>Certificate:Path</c> and <c>Certificate:KeyPath</c>, PEM), served to browsers that ask for one of its names.
/// </summary>
public sealed class ApiListenerOptions
{
    public string Url { get; set; } = "https://0.0.0.0:8443";

    public CertificateFiles Certificate { get; set; } = new();

    public sealed class CertificateFiles
    {
        /// <summary>The certificate (PEM), its chain after it; empty: only the box's own certificate is served.</summary>
        public string Path { get; set; } = "";

        /// <summary>Its private key (PEM, unencrypted).</summary>
        public string KeyPath { get; set; } = "";
    }
}
