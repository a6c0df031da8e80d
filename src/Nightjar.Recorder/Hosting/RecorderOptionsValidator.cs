using System.Net;
using Microsoft.Extensions.Options;

namespace Nightjar.Recorder.Hosting;

/// <summary>
/// Refuses a configuration the recorder cannot run safely with. Every message names the key, because the
/// person reading it is looking at appsettings.json, an environment variable or a command line.
/// </summary>
public sealed class RecorderOptionsValidator : IValidateOptions<RecorderOptions>
{
    public ValidateOptionsResult Validate(string? name, RecorderOptions options)
    {
        var failures = new List<string>();

        if (string.IsNullOrWhiteSpace(options.DataDir))
        {
            failures.Add("Nightjar:DataDir must name a folder.");
        }
        else if (options.DataDir.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            failures.Add($"Nightjar:DataDir contains characters that cannot be in a path.");
        }

        if (!TryParseListener(options.Console.Url, "http", out var console, out var consoleError, example: "http://127.0.0.1:8080"))
        {
            failures.Add($"Nightjar:Console:Url {consoleError}");
        }
        else if (!IPAddress.IsLoopback(console.Address))
        {
            // The console carries setup and password recovery, which trust whoever stands at the box.
            failures.Add($"Nightjar:Console:Url must be a loopback address such as http://127.0.0.1:8080 (got '{options.Console.Url}'): "
                + "the console is for the recorder's own screen only.");
        }

        if (!TryParseListener(options.Api.Url, "https", out _, out var apiError, example: "https://0.0.0.0:8443"))
        {
            failures.Add($"Nightjar:Api:Url {apiError}");
        }

        var certificate = options.Api.Certificate;
        if (string.IsNullOrWhiteSpace(certificate.Path) != string.IsNullOrWhiteSpace(certificate.KeyPath))
        {
            failures.Add("Nightjar:Api:Certificate:Path and Nightjar:Api:Certificate:KeyPath go together: the certificate's PEM file and its key's.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// Parses <c>scheme://address:port</c> where address is an IP address or <c>localhost</c>. An IPv4 address written
    /// as IPv6 (<c>[::ffff:127.0.0.1]</c>) is read as the IPv4 address it is: a socket cannot bind the mapped form.
    /// </summary>
    public static bool TryParseListener(string? url, string scheme, out IPEndPoint endPoint, out string error, string? example = null)
    {
        endPoint = new IPEndPoint(IPAddress.None, 0);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || !string.Equals(uri.Scheme, scheme, StringComparison.Ordinal)
            || uri.PathAndQuery != "/"
            || !string.IsNullOrEmpty(uri.UserInfo))
        {
            error = $"must look like {example ?? scheme + "://127.0.0.1:8080"} (got '{url}').";
            return false;
        }

        IPAddress? address;
        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = IPAddress.Loopback;
        }
        else if (!IPAddress.TryParse(uri.IdnHost, out address))
        {
            error = $"must use an IP address or localhost, not a host name (got '{url}').";
            return false;
        }

        endPoint = new IPEndPoint(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address, uri.Port);
        error = "";
        return true;
    }
}
