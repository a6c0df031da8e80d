using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;

namespace Nightjar.Recorder.Onvif;

/// <summary>
/// SOAP 1.2 over HTTP to one ONVIF device, the way cameras take it: the request's body in an envelope with a
/// WS-Security UsernameToken (password digest: SHA-1 of nonce, creation time and password, the time on the camera's
/// clock, since cameras refuse a digest made too far from their own time). An answer is read only up to 1 MB and
/// within 5 s; a redirect is never followed; a SOAP fault becomes an <see cref="OnvifException"/> in plain words.
/// </summary>
public sealed class OnvifSoap(HttpClient http, TimeProvider clock)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    public const int MaxAnswerBytes = 1_000_000;

    /// <summary>An HttpClient for ONVIF: no redirects, no cookies, no proxy, bounded in time and size.</summary>
    public static HttpClient CreateHttpClient() => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        ConnectTimeout = Timeout,
        UseCookies = false,
        UseProxy = false,
        MaxResponseHeadersLength = 16,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
    })
    {
        Timeout = Timeout,
        MaxResponseContentBufferSize = MaxAnswerBytes,
    };

    /// <summary>
    /// Sends <paramref name="body"/> to <paramref name="service"/> and returns the answer's SOAP body. With
    /// <paramref name="credentials"/>, the digest's creation time is the box's clock moved by
    /// <paramref name="cameraClockOffset"/> (the camera's time minus the box's).
    /// With <paramref name="addressedAction"/>, the request also carries WS-Addressing's Action and To, which event
    /// subscriptions (an address per subscription) need on many cameras.
    /// </summary>
    public async Task<XElement> CallAsync(Uri service, XElement body, OnvifCredentials? credentials, TimeSpan cameraClockOffset,
        string? addressedAction = null, CancellationToken cancellationToken = default)
    {
        string text;
        HttpStatusCode status;
        try
        {
            try
            {
                (status, text) = await SendOnceAsync(service, body, credentials, cameraClockOffset, addressedAction, cancellationToken);
            }
            catch (HttpRequestException ex) when (DroppedWithoutAnswer(ex))
            {
                // A camera's small web server may close a connection without answering (busy, or a kept-alive connection
                // it had just dropped): asked once more, on a new connection with a new digest, before it is unreachable.
                (status, text) = await SendOnceAsync(service, body, credentials, cameraClockOffset, addressedAction, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new OnvifException($"The camera at {service.Authority} did not answer within {Timeout.TotalSeconds:0} s.");
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
        {
            throw new OnvifException($"Nothing answers ONVIF at {service.Authority} (the connection was refused).", inner: ex);
        }
        catch (HttpRequestException ex) when (ex.Message.Contains("buffer", StringComparison.OrdinalIgnoreCase))
        {
            throw new OnvifException($"The camera's answer is larger than {MaxAnswerBytes / 1_000_000} MB; it is not read.", inner: ex);
        }
        catch (HttpRequestException ex)
        {
            throw new OnvifException($"The camera at {service.Authority} could not be reached ({ex.HttpRequestError}).", inner: ex);
        }

        if ((int)status is >= 300 and < 400)
        {
            throw new OnvifException($"The camera answered {(int)status}, a redirect, which is not followed (the password goes only where you chose).");
        }

        if (status == HttpStatusCode.Unauthorized && !text.Contains("Fault", StringComparison.Ordinal))
        {
            throw new OnvifException("The camera refused the user name or password.", wrongCredentials: true);
        }

        var answer = OnvifXml.Parse(text);
        var soapBody = answer.Root?.Elements().FirstOrDefault(e => e.Name.LocalName == "Body")
            ?? throw new OnvifException("The camera's answer is not a SOAP envelope.");
        if (soapBody.Elements().FirstOrDefault(e => e.Name.LocalName == "Fault") is { } fault)
        {
            throw Fault(fault);
        }

        if (!((int)status is >= 200 and < 300))
        {
            throw new OnvifException($"The camera answered {(int)status} without saying why.");
        }

        return soapBody;
    }

    /// <summary>The connection was closed or reset after the request went out and before any answer came.</summary>
    private static bool DroppedWithoutAnswer(HttpRequestException ex) =>
        ex.HttpRequestError == HttpRequestError.ResponseEnded
        || ex.InnerException is IOException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionReset } };

    /// <summary>One POST of the envelope (its digest made now), and the answer's status and text.</summary>
    private async Task<(HttpStatusCode Status, string Text)> SendOnceAsync(Uri service, XElement body, OnvifCredentials? credentials,
        TimeSpan cameraClockOffset, string? addressedAction, CancellationToken cancellationToken)
    {
        var header = new XElement(OnvifXml.Soap12 + "Header");
        if (addressedAction is not null)
        {
            header.Add(new XElement(OnvifXml.Addressing + "Action", new XAttribute(OnvifXml.Soap12 + "mustUnderstand", "1"), addressedAction),
                new XElement(OnvifXml.Addressing + "To", new XAttribute(OnvifXml.Soap12 + "mustUnderstand", "1"), service.AbsoluteUri));
        }

        if (credentials is not null)
        {
            header.Add(Security(credentials, clock.GetUtcNow() + cameraClockOffset));
        }

        var envelope = new XElement(OnvifXml.Soap12 + "Envelope",
            new XAttribute(XNamespace.Xmlns + "s", OnvifXml.Soap12),
            header.HasElements ? header : null,
            new XElement(OnvifXml.Soap12 + "Body", body));
        using var request = new HttpRequestMessage(HttpMethod.Post, service)
        {
            Content = new StringContent(envelope.ToString(SaveOptions.DisableFormatting), Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/soap+xml") { CharSet = "utf-8" };
        request.Content.Headers.ContentType.Parameters.Add(new NameValueHeaderValue("action", $"\"{addressedAction ?? $"{body.Name.NamespaceName}/{body.Name.LocalName}"}\""));

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    /// <summary>A WS-Security header with a UsernameToken and a password digest made at <paramref name="created"/>.</summary>
    internal static XElement Security(OnvifCredentials credentials, DateTimeOffset created)
    {
        var nonce = RandomNumberGenerator.GetBytes(16);
        var createdText = created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        // SHA-1 is what the UsernameToken profile defines and every camera checks; it is not this project's choice.
#pragma warning disable CA5350
        var digest = Convert.ToBase64String(SHA1.HashData([.. nonce, .. Encoding.UTF8.GetBytes(createdText), .. Encoding.UTF8.GetBytes(credentials.Password)]));
#pragma warning restore CA5350
        return new XElement(OnvifXml.Security + "Security",
            new XAttribute(XNamespace.Xmlns + "wsse", OnvifXml.Security),
            new XAttribute(XNamespace.Xmlns + "wsu", OnvifXml.SecurityUtility),
            new XAttribute(OnvifXml.Soap12 + "mustUnderstand", "1"),
            new XElement(OnvifXml.Security + "UsernameToken",
                new XElement(OnvifXml.Security + "Username", credentials.UserName),
                new XElement(OnvifXml.Security + "Password",
                    new XAttribute("Type", "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest"), digest),
                new XElement(OnvifXml.Security + "Nonce",
                    new XAttribute("EncodingType", "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary"),
                    Convert.ToBase64String(nonce)),
                new XElement(OnvifXml.SecurityUtility + "Created", createdText)));
    }

    /// <summary>A SOAP fault in the owner's words: the codes cameras use for a refused login say so.</summary>
    private static OnvifException Fault(XElement fault)
    {
        var codes = fault.Descendants().Where(e => e.Name.LocalName is "Value" or "faultcode").Select(e => e.Value.Trim()).ToList();
        var reason = (fault.Descendants().FirstOrDefault(e => e.Name.LocalName is "Text" or "faultstring")?.Value ?? "").Trim();
        if (reason.Length > 200)
        {
            reason = reason[..200] + "…";
        }

        var refused = codes.Any(c => c.EndsWith("NotAuthorized", StringComparison.OrdinalIgnoreCase) || c.EndsWith("FailedAuthentication", StringComparison.OrdinalIgnoreCase))
            || reason.Contains("not authorized", StringComparison.OrdinalIgnoreCase) || reason.Contains("authority failure", StringComparison.OrdinalIgnoreCase);
        if (refused)
        {
            return new OnvifException("The camera refused the user name or password.", wrongCredentials: true);
        }

        var code = codes.LastOrDefault() is { Length: > 0 } last ? last[(last.IndexOf(':', StringComparison.Ordinal) + 1)..] : "a fault";
        return new OnvifException(reason.Length > 0 ? $"The camera could not do it: {reason} ({code})." : $"The camera could not do it ({code}).");
    }
}
