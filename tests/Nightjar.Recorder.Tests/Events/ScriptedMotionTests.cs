using System.Globalization;
using System.Net;
using System.Text.Json;
using MimeKit;
using Nightjar.Contracts;
using Nightjar.Recorder.Events;
using Nightjar.Recorder.Notifications;
using Nightjar.Recorder.Tests.Video;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Events;

/// <summary>
/// Motion events over real RTSP from the fake camera's scripted scene, and their alerts on every channel: each walk is
/// one event that starts within a second of the walk, measured in the camera's own times (so a loaded machine cannot
/// fail it), and nothing else (noise, the clock, the noisy patch, the light) makes one.
/// </summary>
public sealed class ScriptedMotionTests(ScriptedMotionFixture run) : IClassFixture<ScriptedMotionFixture>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task EveryWalk_IsOneEvent_StartingWithinASecondOfIt_AndNothingElseMakesOne()
    {
        var events = (await run.EventsAsync()).OrderBy(e => e.Start).ToList();

        Assert.True(events.Count == ScriptedMotionFixture.Walks,
            $"{ScriptedMotionFixture.Walks} walks at {string.Join(", ", run.WalksSeen.Select(w => w.Start.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)))}, events: {ScriptedMotionFixture.Describe(events)}");
        for (var i = 0; i < events.Count; i++)
        {
            var (walk, recorded) = (run.WalksSeen[i], events[i]);
            Assert.True((recorded.Start - walk.Start).Duration() <= Within,
                $"Walk {i} began at {walk.Start:HH:mm:ss.fff}, its event at {recorded.Start:HH:mm:ss.fff}.");
            Assert.NotNull(recorded.End);
            Assert.InRange(recorded.End!.Value, walk.End - TimeSpan.FromSeconds(1.5), walk.End + Within);
            Assert.Equal(("cfg0", "Front Door", "motion"), (recorded.Camera, recorded.CameraName, recorded.Kind));
            Assert.InRange(recorded.Region.Y, 0.3, 0.45); // the box is 38 %–83 % down the picture
            Assert.InRange(recorded.Region.Y + recorded.Region.Height, 0.75, 0.9);
            Assert.True(recorded.Region.Width > 0.7, $"The region spans the walk: {recorded.Region}.");
            Assert.Empty(recorded.Objects);
        }
    }

    [Fact]
    public async Task EachEvent_HasAPictureOfTheMainStream_AThumbnail_AndAClipThatPlays()
    {
        var recorded = (await run.EventsAsync()).OrderBy(e => e.Start).First();
        using var api = run.Recorder.CreateApiClient();

        var snapshot = await api.SendAsync(VideoConnections.Get(recorded.Snapshot!, run.Token));
        var thumbnail = await api.SendAsync(VideoConnections.Get(recorded.Thumbnail!, run.Token));
        var clip = await api.SendAsync(VideoConnections.Get($"/api/v1/events/{recorded.Id}/clip.mp4", run.Token));

        Assert.Equal((HttpStatusCode.OK, "image/jpeg"), (snapshot.StatusCode, snapshot.Content.Headers.ContentType?.MediaType));
        var (width, height) = Jpeg.Size(await snapshot.Content.ReadAsByteArrayAsync());
        Assert.Equal((640, 360), (width, height)); // the main stream, not the 320×180 sub-stream that was analysed
        Assert.Equal(320, Jpeg.Size(await thumbnail.Content.ReadAsByteArrayAsync()).Width); // thumbnails are 320 wide
        Assert.Equal(HttpStatusCode.OK, clip.StatusCode);
        var path = Path.Combine(Path.GetTempPath(), $"nightjar-clip-{Guid.NewGuid():N}.mp4");
        await File.WriteAllBytesAsync(path, await clip.Content.ReadAsByteArrayAsync());
        try
        {
            var probe = await Ffprobe.ProbeAsync(path);
            Assert.Equal("", probe.Errors);
            var seconds = probe.VideoPackets[^1].DtsTime - probe.VideoPackets[0].DtsTime;
            var expected = (recorded.End!.Value - recorded.Start).TotalSeconds + 10;
            Assert.InRange(seconds, expected - 2.5, expected + 1); // from the keyframe before start − 5 s to end + 5 s
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Mqtt_GetsEachEvent_MotionOnAndOff_ThePicture_AndHomeAssistantDiscovery()
    {
        var prefix = ScriptedMotionFixture.TopicPrefix;
        var events = await run.EventsAsync();
        var received = run.Mqtt.Received;

        var starts = received.Where(m => m.Topic == $"{prefix}/events").Select(m => JsonSerializer.Deserialize<EventMessage>(m.Payload, EventJson.Options)!)
            .Where(m => m.Type == EventMessageTypes.Start).ToList();
        Assert.Equal(events.Select(e => e.Id).Order(), starts.Select(m => m.Event!.Id).Order());
        Assert.All(starts, m => Assert.Equal("Front Door", m.Event!.CameraName));
        var motion = received.Where(m => m.Topic == $"{prefix}/cfg0/motion").Select(m => m.Text).ToList();
        Assert.Equal("OFF", motion[0]); // the state at connection
        Assert.Equal(ScriptedMotionFixture.Walks, motion.Count(m => m == "ON"));
        Assert.Equal("OFF", motion[^1]);
        var picture = Assert.Single(received, m => m.Topic == $"{prefix}/cfg0/snapshot" && m == received.Last(n => n.Topic == $"{prefix}/cfg0/snapshot"));
        Assert.Equal((640, 360), Jpeg.Size(picture.Payload));
        Assert.Contains(received, m => m.Topic == $"{prefix}/status" && m.Text == "online");
        var sensors = received.Where(m => m.Topic.StartsWith("homeassistant/binary_sensor/", StringComparison.Ordinal)).ToList();
        Assert.Equal(["animal", "motion", "person", "vehicle"], sensors.Select(m => m.Topic.Split('_')[^1].Split('/')[0]).Order());
        var discovery = sensors.Single(m => m.Topic.EndsWith("_cfg0_motion/config", StringComparison.Ordinal));
        using var config = JsonDocument.Parse(discovery.Payload);
        Assert.Equal($"{prefix}/cfg0/motion", config.RootElement.GetProperty("state_topic").GetString());
        Assert.Contains(received, m => m.Topic.StartsWith("homeassistant/camera/", StringComparison.Ordinal));
        Assert.DoesNotContain(received, m => m.Text.Contains(TestRecorder.AdminPassword, StringComparison.Ordinal) || m.Text.Contains(run.Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Webhook_GetsEveryStartAndEnd_SignedWithTheSecret()
    {
        var events = await run.EventsAsync();
        var calls = run.Webhook.Received;

        foreach (var call in calls)
        {
            Assert.Equal(WebhookSender.Sign(call.Body, ScriptedMotionFixture.WebhookSecret), call.Signature);
            Assert.StartsWith("application/json", call.ContentType, StringComparison.Ordinal);
            Assert.DoesNotContain(ScriptedMotionFixture.WebhookSecret, call.Text, StringComparison.Ordinal);
        }

        var messages = calls.Select(c => JsonSerializer.Deserialize<EventMessage>(c.Body, EventJson.Options)!).ToList();
        foreach (var recorded in events)
        {
            var mine = messages.Where(m => m.Event?.Id == recorded.Id).Select(m => m.Type).ToList();
            Assert.Equal([EventMessageTypes.Start, EventMessageTypes.End], mine);
        }

        Assert.All(messages, m => Assert.NotEmpty(m.Device.Id));
    }

    [Fact]
    public async Task EmailAlerts_ReachTheRelay_WithThePictureOfTheEvent()
    {
        var events = await run.EventsAsync();
        var alerts = run.Smtp.Received.Where(m => m.Subject?.StartsWith("Motion: Front Door", StringComparison.Ordinal) == true).ToList();

        Assert.Equal(events.Count, alerts.Count);
        foreach (var alert in alerts)
        {
            var picture = Assert.Single(alert.BodyParts.OfType<MimePart>(), p => p.ContentType.MimeType == "image/jpeg");
            using var bytes = new MemoryStream();
            await picture.Content!.DecodeToAsync(bytes);
            Assert.Equal((640, 360), Jpeg.Size(bytes.ToArray()));
            Assert.Equal("alerts@example.com", Assert.Single(alert.To.Mailboxes).Address);
        }
    }

    [Fact]
    public async Task TheAppsLiveEventsSocket_GetsEachStartAndEnd_AsTheyHappen()
    {
        var events = await run.EventsAsync();
        var messages = run.LiveMessages;

        foreach (var recorded in events)
        {
            Assert.Equal([EventMessageTypes.Start, EventMessageTypes.End], messages.Where(m => m.Event?.Id == recorded.Id).Select(m => m.Type));
        }
    }
}
