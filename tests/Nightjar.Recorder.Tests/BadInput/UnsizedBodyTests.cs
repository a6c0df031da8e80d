using System.Net;
using System.Text;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.BadInput;

/// <summary>A body without a Content-Length (HTTP/2, or chunked HTTP/1.1) over the 64 KB limit gets 413, never a 500; under it, it works.</summary>
public sealed class UnsizedBodyTests : IAsyncLifetime
{
    private TestRecorder recorder = null!;

    public async Task InitializeAsync()
    {
        recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync();
    }

    public async Task DisposeAsync() => await recorder.DisposeAsync();

    /// <summary>JSON of about <paramref name="bytes"/> bytes, sent without a length (a stream that cannot say its size).</summary>
    private static StreamContent Unsized(int bytes)
    {
        var json = "{\"userName\":\"admin\",\"password\":\"" + new string('x', Math.Max(0, bytes - 60)) + "\",\"clientName\":\"phone\"}";
        var content = new StreamContent(new UnseekableStream(Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    [Theory]
    [InlineData(2, 70_000, HttpStatusCode.RequestEntityTooLarge)]
    [InlineData(1, 70_000, HttpStatusCode.RequestEntityTooLarge)]
    [InlineData(2, 200, HttpStatusCode.Unauthorized)] // read whole, then judged: a wrong password
    [InlineData(1, 200, HttpStatusCode.Unauthorized)]
    public async Task ASignInBodyWithoutALength_IsBounded(int httpVersion, int bytes, HttpStatusCode expected)
    {
        using var api = recorder.CreateApiClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/sessions")
        {
            Content = Unsized(bytes),
            Version = new Version(httpVersion, httpVersion == 2 ? 0 : 1),
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        var response = await api.SendAsync(request);
        Assert.Equal(new Version(httpVersion, httpVersion == 2 ? 0 : 1), response.Version);
        Assert.Equal(expected, response.StatusCode);
    }

    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
