using System.Text.Json;

namespace Nightjar.Recorder.Events;

/// <summary>How event messages are written wherever they go (live socket, webhook, MQTT): the API's own JSON, camelCase.</summary>
public static class EventJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
