using System.Globalization;
using System.Text.Json;
using Nightjar.Contracts;
using Nightjar.Recorder.Events;
using Nightjar.Recorder.Tests.Video;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Events;

/// <summary>
/// People told apart from other motion over real RTSP, by the shipped detector on the box's CPU: each crossing of a
/// real photograph of a person is an event labelled person that starts within 1.5 s of it, each walk of the grey box an
/// event without one; with "Alert On: People" only the people alert (on every channel, once each), while MQTT's state
/// topics still follow every event.
/// </summary>
public sealed class PersonCrossingTests(PersonCrossingFixture run) : IClassFixture<PersonCrossingFixture>
{
    [Fact]
    public async Task EveryPersonCrossing_IsAnEventLabelledPerson_StartingWithinOneAndAHalfSeconds()
    {
        var events = await run.EventsAsync();

        foreach (var crossing in run.PersonCrossings)
        {
            var recorded = PersonCrossingFixture.EventOf(events, crossing);
            Assert.True(recorded is not null, $"No event began within 1.5 s of the crossing at {crossing.Start:HH:mm:ss.fff}: {Describe(events)}");
            var person = Assert.Single(recorded.Objects, o => o.Label == "person");
            Assert.True(person.Score >= 0.5, $"person at {person.Score}");
            Assert.InRange(person.Box.Height, 0.4, 0.8); // the photograph is 60 % of the picture's height
            Assert.InRange(person.Box.Y + person.Box.Height, 0.85, 1.01); // standing on the bottom edge
        }
    }

    [Fact]
    public async Task EveryWalkOfTheGreyBox_IsAMotionEvent_WithNoPerson()
    {
        var events = await run.EventsAsync();

        foreach (var walk in run.BoxWalks)
        {
            var recorded = PersonCrossingFixture.EventOf(events, walk);
            Assert.True(recorded is not null, $"No event began with the walk at {walk.Start:HH:mm:ss.fff}: {Describe(events)}");
            Assert.Equal("motion", recorded.Kind);
            Assert.DoesNotContain(recorded.Objects, o => o.Label == "person");
        }
    }

    [Fact]
    public async Task AlertOnPeople_SendsThePeopleOnly_OnceEach_OnEveryChannel()
    {
        var events = await run.EventsAsync();
        var people = run.PersonCrossings.Select(c => PersonCrossingFixture.EventOf(events, c)?.Id).ToHashSet();
        var others = events.Select(e => e.Id).Where(id => !people.Contains(id)).ToList();
        Assert.NotEmpty(others);

        var webhook = run.Webhook.Received.Select(c => JsonSerializer.Deserialize<EventMessage>(c.Body, EventJson.Options)!).ToList();
        foreach (var id in people)
        {
            // The alert begins when the person is seen, as the event's start (so every receiver sees a start and an end).
            var mine = webhook.Where(m => m.Event?.Id == id).ToList();
            Assert.Equal(EventMessageTypes.Start, mine[0].Type);
            Assert.Contains(mine[0].Event!.Objects, o => o.Label == "person");
            Assert.Equal(EventMessageTypes.End, mine[^1].Type);
            Assert.Single(mine, m => m.Type == EventMessageTypes.Start);
        }

        Assert.DoesNotContain(webhook, m => others.Contains(m.Event?.Id ?? -1)); // the grey box never alerts
        var mqttEvents = run.Mqtt.Received.Where(m => m.Topic == $"{PersonCrossingFixture.TopicPrefix}/events")
            .Select(m => JsonSerializer.Deserialize<EventMessage>(m.Payload, EventJson.Options)!).ToList();
        Assert.Equal(people.Order(), mqttEvents.Where(m => m.Type == EventMessageTypes.Start).Select(m => m.Event!.Id).Order().Cast<long?>());
        var emails = run.Smtp.Received.Where(m => m.Subject?.StartsWith("Motion: Person: Front Door", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(people.Count, emails.Count);
        Assert.DoesNotContain(run.Smtp.Received, m => m.Subject?.StartsWith("Motion: Front Door", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void Mqtt_PersonTopic_IsOnWhileAPersonIsSeen_AndMotionFollowsEveryEvent()
    {
        var prefix = PersonCrossingFixture.TopicPrefix;
        var received = run.Mqtt.Received;

        var person = received.Where(m => m.Topic == $"{prefix}/cfg0/person").Select(m => m.Text).ToList();
        var motion = received.Where(m => m.Topic == $"{prefix}/cfg0/motion").Select(m => m.Text).ToList();

        Assert.Equal("OFF", person[0]); // the state at connection
        Assert.True(person.Count(s => s == "ON") >= PersonCrossingFixture.Crossings, string.Join(" ", person));
        Assert.Equal("OFF", person[^1]);
        Assert.True(motion.Count(s => s == "ON") >= PersonCrossingFixture.Crossings * 2, string.Join(" ", motion)); // the walks too
        Assert.All(received.Where(m => m.Topic == $"{prefix}/cfg0/vehicle"), m => Assert.Equal("OFF", m.Text));
        Assert.Contains(received, m => m.Topic.StartsWith("homeassistant/binary_sensor/", StringComparison.Ordinal) && m.Topic.EndsWith("_cfg0_person/config", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheAppsLiveSocket_GetsAnUpdate_WhenThePersonIsSeen()
    {
        var events = await run.EventsAsync();

        foreach (var crossing in run.PersonCrossings)
        {
            var id = PersonCrossingFixture.EventOf(events, crossing)!.Id;
            var types = run.LiveMessages.Where(m => m.Event?.Id == id).Select(m => m.Type).ToList();
            Assert.Equal(EventMessageTypes.Start, types[0]);
            Assert.Contains(EventMessageTypes.Update, types);
            Assert.Equal(EventMessageTypes.End, types[^1]);
        }
    }

    [Fact]
    public async Task APersonsThumbnail_IsRedrawnWithABoxAroundThem()
    {
        var events = await run.EventsAsync();
        using var api = run.Recorder.CreateApiClient();

        var person = PersonCrossingFixture.EventOf(events, run.PersonCrossings[0])!;
        var box = person.Objects.Single(o => o.Label == "person").Box;
        var walk = PersonCrossingFixture.EventOf(events, run.BoxWalks[0])!;
        var withBox = await TopEdgeYellowAsync(await ThumbnailAsync(api, person), box);
        var without = await TopEdgeYellowAsync(await ThumbnailAsync(api, walk), box);

        // The scene's colour bars include a yellow one: the box's top edge is yellow all along, the scene's is not.
        Assert.True(withBox >= 0.9, $"{withBox:P0} of the box's top edge is yellow in the person's thumbnail");
        Assert.True(without < 0.8, $"{without:P0} of the same line is yellow in the grey box's thumbnail");
    }

    private async Task<byte[]> ThumbnailAsync(HttpClient api, EventInfo recorded)
    {
        var response = await api.SendAsync(VideoConnections.Get(recorded.Thumbnail!, run.Token));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>The share of yellow pixels along the top edge of <paramref name="box"/> (the best of the rows around it, for JPEG's blur).</summary>
    private static async Task<double> TopEdgeYellowAsync(byte[] jpeg, EventRegion box)
    {
        var (width, height) = Jpeg.Size(jpeg);
        var rgb = await Ffprobe.RawPictureAsync(jpeg, "rgb24");
        var (left, right) = ((int)(box.X * width) + 2, (int)((box.X + box.Width) * width) - 2);
        var top = (int)Math.Round(box.Y * height);
        var best = 0.0;
        for (var y = Math.Max(0, top - 1); y <= Math.Min(height - 1, top + 2); y++)
        {
            var yellow = 0;
            for (var x = left; x <= right; x++)
            {
                var i = ((y * width) + x) * 3;
                yellow += rgb[i] > 170 && rgb[i + 1] > 170 && rgb[i + 2] < 110 ? 1 : 0;
            }

            best = Math.Max(best, (double)yellow / (right - left + 1));
        }

        return best;
    }

    private static string Describe(IEnumerable<EventInfo> events) =>
        string.Join("; ", events.OrderBy(e => e.Start).Select(e => string.Create(CultureInfo.InvariantCulture,
            $"#{e.Id} {e.Start:HH:mm:ss.fff}–{e.End:HH:mm:ss.fff} [{string.Join(",", e.Objects.Select(o => $"{o.Label} {o.Score:0.00}"))}]")));
}
