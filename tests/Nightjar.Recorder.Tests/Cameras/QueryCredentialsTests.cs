using Nightjar.Recording;
using Nightjar.Recording.Ingest;
using Xunit;

namespace Nightjar.Recorder.Tests.Cameras;

public sealed class QueryCredentialsTests
{
    private static readonly StreamEndpoint Endpoint = new(new Uri("rtsp://192.168.1.64/live?channel=1&user=&PWD="), "admin", "p&ss=w rd+1");

    [Fact]
    public void OnlyTheUrlHandedToFfmpeg_HasTheQueryCredentialsFilledIn()
    {
        const string expected = "rtsp://admin:p%26ss%3Dw%20rd%2B1@192.168.1.64/live?channel=1&user=admin&PWD=p%26ss%3Dw%20rd+1";

        Assert.Equal(expected, Endpoint.UrlWithCredentials());
        Assert.Contains(expected, FfmpegArguments.For(Endpoint, withAudio: false));
        Assert.Equal("rtsp://192.168.1.64/live?channel=1&user=&PWD=", Endpoint.ToString());
    }

    [Fact]
    public void AUrlWithoutCredentials_ReachesFfmpegAsItWas() =>
        Assert.Equal("rtsp://192.168.1.64:8554/a%20b?x=1&y", new StreamEndpoint(new Uri("rtsp://192.168.1.64:8554/a%20b?x=1&y"), "", "").UrlWithCredentials());

    [Theory]
    [InlineData("Secret123")]
    [InlineData("ab")]
    public void FfmpegMessages_NeverCarryTheQueryCredentials(string password)
    {
        var endpoint = Endpoint with { Password = password };
        var line = $"rtsp://admin:{password}@192.168.1.64/live?channel=1&user=admin&PWD={password}: Server returned 401 Unauthorized (authorization failed)";

        var redacted = CredentialRedaction.Redact(line, endpoint);

        Assert.DoesNotContain(password, redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("admin", redacted, StringComparison.Ordinal);
        Assert.Contains("?channel=1&user=***&PWD=***", redacted, StringComparison.Ordinal);
    }
}
