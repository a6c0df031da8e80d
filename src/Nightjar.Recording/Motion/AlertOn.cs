namespace Nightjar.Recording.Motion;

/// <summary>
/// Which of a camera's events alert: any motion, or only those where the object detector saw people, vehicles or
/// either. Stored and configured by name (<c>Nightjar:Cameras:N:AlertOn</c>): never rename one.
/// </summary>
public enum AlertOn
{
    AnyMotion,
    People,
    Vehicles,
    PeopleAndVehicles,
}
