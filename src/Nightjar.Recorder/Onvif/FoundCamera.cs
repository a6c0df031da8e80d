namespace Nightjar.Recorder.Onvif;

/// <summary>
/// A camera that answered a search: its device service address (the first it gave), its WS-Discovery identity, and
/// the maker and model its scopes name (empty when they name none; the camera tells more once logged in to).
/// </summary>
public sealed record FoundCamera(Uri DeviceService, string Endpoint, string Maker, string Model);
