using System.Net;
using System.Text.Json;
using Nightjar.Contracts;
using Nightjar.Recorder.Events;
using Nightjar.Recorder.Tests.BadInput;
using Nightjar.Recorder.Tests.Notifications;
using Nightjar.Recorder.Tests.Video;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Events;

/// <summary>
/// <c>/api/v1/events</c> with a valid token: the list, its filters and pages, Keep, pictures and clips of events that
/// have none, and every value of the bad-input corpus in every query and path value: a clear 4xx, never a 500.
/// </summary>
public sealed class EventsApiTests : IAsyncLifetime
{
    private TestRecorder recorder = null!;
    private string token = null!;

    public async Task InitializeAsync()
    {
        recorder = await TestRecorder.StartAsync();
        await recorder.CompleteSetupAsync();
        token = await VideoConnections.SignInAsync(recorder);
        for (var i = 0; i < 3; i++)
        {
            await AlertRun.MakeEventAsync(recorder, seconds: 1);
            await Task.Delay(20);
        }
    }

    public async Task DisposeAsync() => await recorder.DisposeAsync();

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path)
    {
        using var api = recorder.CreateApiClient();
        using var request = VideoConnections.Get(path, token);
        request.Method = method;
        return await api.SendAsync(request);
    }

    private async Task<List<EventInfo>> ListAsync(string query = "")
    {
        var response = await SendAsync(HttpMethod.Get, "/api/v1/events" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonSerializer.Deserialize<List<EventInfo>>(await response.Content.ReadAsStringAsync(), EventJson.Options)!;
    }

    [Fact]
    public async Task TheList_IsNewestFirst_FiltersAndPages()
    {
        var all = await ListAsync();
        Assert.Equal(3, all.Count);
        Assert.True(all[0].Start >= all[1].Start && all[1].Start >= all[2].Start);
        Assert.All(all, e => Assert.Equal((AlertRun.Camera, "motion", false), (e.Camera, e.Kind, e.Kept)));
        Assert.All(all, e => Assert.Empty(e.Objects));

        var first = await ListAsync("?limit=2");
        var next = await ListAsync("?limit=2&before=" + Uri.EscapeDataString(first[^1].Start.ToString("O", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(all.Select(e => e.Id), first.Concat(next).Select(e => e.Id));
        Assert.Empty(await ListAsync("?show=people"));
        Assert.Equal(3, (await ListAsync("?show=all&from=2026-01-01T00:00:00Z")).Count);
        Assert.Empty(await ListAsync("?to=2026-01-01T00:00:00Z"));
    }

    [Fact]
    public async Task Keep_AndStopKeeping_AnEvent()
    {
        var id = (await ListAsync())[0].Id;

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Post, $"/api/v1/events/{id}/keep")).StatusCode);
        Assert.True((await ListAsync()).Single(e => e.Id == id).Kept);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, $"/api/v1/events/{id}/keep")).StatusCode);
        Assert.False((await ListAsync()).Single(e => e.Id == id).Kept);
    }

    [Fact]
    public async Task AnEventWithoutPicturesOrRecordings_AnswersNotFound_WithTheReason()
    {
        var recorded = (await ListAsync())[0];
        Assert.Null(recorded.Snapshot); // no camera gave a picture

        var snapshot = await SendAsync(HttpMethod.Get, $"/api/v1/events/{recorded.Id}/snapshot.jpg");
        var clip = await SendAsync(HttpMethod.Get, $"/api/v1/events/{recorded.Id}/clip.mp4");

        Assert.Equal(HttpStatusCode.NotFound, snapshot.StatusCode);
        Assert.Contains("no picture", await snapshot.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, clip.StatusCode);
        Assert.Contains("not-recorded", await clip.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?limit=0")]
    [InlineData("?limit=501")]
    [InlineData("?limit=-1")]
    [InlineData("?limit=abc")]
    [InlineData("?show=cats")]
    [InlineData("?from=yesterday")]
    [InlineData("?to=2026-13-45T99:00:00Z")]
    [InlineData("?before=2026-12-01T10:00:00")]
    public async Task AMalformedQuery_IsRefusedWithAReason(string query)
    {
        var response = await SendAsync(HttpMethod.Get, "/api/v1/events" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("invalid-request", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryCorpusValue_InEveryQueryAndPathValue_GetsAClearAnswer_NeverA500()
    {
        var failures = new List<string>();
        foreach (var bad in BadInputCorpus.OfKind(BadInputCase.TextKind))
        {
            var value = Uri.EscapeDataString(bad.Text());
            if (value.Length > 6000)
            {
                value = value[..6000];
            }

            foreach (var (method, path) in new[]
            {
                (HttpMethod.Get, $"/api/v1/events?camera={value}"),
                (HttpMethod.Get, $"/api/v1/events?show={value}"),
                (HttpMethod.Get, $"/api/v1/events?limit={value}"),
                (HttpMethod.Get, $"/api/v1/events?from={value}"),
                (HttpMethod.Get, $"/api/v1/events?before={value}"),
                (HttpMethod.Get, $"/api/v1/events/{value}/snapshot.jpg"),
                (HttpMethod.Get, $"/api/v1/events/{value}/thumbnail.jpg"),
                (HttpMethod.Get, $"/api/v1/events/{value}/clip.mp4"),
                (HttpMethod.Post, $"/api/v1/events/{value}/keep"),
            })
            {
                var status = (int)(await SendAsync(method, path)).StatusCode;
                if (status >= 500 || status < 200)
                {
                    failures.Add($"{bad}: {method} {path[..Math.Min(path.Length, 80)]} → {status}");
                }
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task TheLiveSocket_WithoutAToken_IsRefused_AndAsAPlainGet_SaysToOpenAWebSocket()
    {
        using var api = recorder.CreateApiClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/v1/events/live")).StatusCode);
        var plain = await SendAsync(HttpMethod.Get, "/api/v1/events/live");
        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
        Assert.Contains("WebSocket", await plain.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
