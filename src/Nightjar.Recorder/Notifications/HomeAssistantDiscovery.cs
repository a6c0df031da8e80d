using System.Text.Json;
using Nightjar.Contracts;
using Nightjar.Recorder.Identity;

namespace Nightjar.Recorder.Notifications;

/// <summary>
/// Home Assistant's MQTT discovery: for each camera binary sensors for motion and for a person, a vehicle or an animal
/// seen in it (occupancy: on while an event shows one), and a camera showing the event pictures,
/// under <c>homeassistant/</c>, so the cameras appear in Home Assistant by themselves, grouped under their recorder.
/// </summary>
public static class HomeAssistantDiscovery
{
    public static IEnumerable<(string Topic, byte[] Config)> Configs(DeviceSummary device, string cameraId, string cameraName, string prefix)
    {
        var id = $"{device.Id}_{cameraId}";
        var camera = new Dictionary<string, object>
        {
            ["identifiers"] = new[] { id },
            ["name"] = cameraName,
            ["manufacturer"] = "Nightjar",
            ["model"] = RecorderIdentityStore.Model + " camera",
            ["via_device"] = device.Id,
        };
        var availability = new Dictionary<string, object>
        {
            ["availability_topic"] = $"{prefix}/status",
            ["payload_available"] = "online",
            ["payload_not_available"] = "offline",
        };
        var motion = new Dictionary<string, object>(availability)
        {
            ["name"] = "Motion",
            ["unique_id"] = id + "_motion",
            ["state_topic"] = $"{prefix}/{cameraId}/motion",
            ["device_class"] = "motion",
            ["payload_on"] = "ON",
            ["payload_off"] = "OFF",
            ["device"] = camera,
        };
        var snapshot = new Dictionary<string, object>(availability)
        {
            ["name"] = "Last event",
            ["unique_id"] = id + "_snapshot",
            ["topic"] = $"{prefix}/{cameraId}/snapshot",
            ["device"] = camera,
        };
        yield return ($"homeassistant/binary_sensor/{id}_motion/config", JsonSerializer.SerializeToUtf8Bytes(motion));
        foreach (var (group, name) in new[] { ("person", "Person"), ("vehicle", "Vehicle"), ("animal", "Animal") })
        {
            var seen = new Dictionary<string, object>(availability)
            {
                ["name"] = name,
                ["unique_id"] = $"{id}_{group}",
                ["state_topic"] = $"{prefix}/{cameraId}/{group}",
                ["device_class"] = "occupancy",
                ["payload_on"] = "ON",
                ["payload_off"] = "OFF",
                ["device"] = camera,
            };
            yield return ($"homeassistant/binary_sensor/{id}_{group}/config", JsonSerializer.SerializeToUtf8Bytes(seen));
        }

        yield return ($"homeassistant/camera/{id}_snapshot/config", JsonSerializer.SerializeToUtf8Bytes(snapshot));
    }
}
