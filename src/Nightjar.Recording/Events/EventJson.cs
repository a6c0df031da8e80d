using System.Text.Json.Serialization;

namespace Nightjar.Recording.Events;

/// <summary>The JSON the index stores for an event's objects, read and written without reflection (the appliance build is trimmed).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(List<DetectedObject>))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class EventJson : JsonSerializerContext;
