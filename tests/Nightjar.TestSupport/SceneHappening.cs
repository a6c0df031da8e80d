namespace Nightjar.TestSupport;

/// <summary>
/// One scripted happening of the fake camera's motion scene (<c>/motion</c>, <c>/motion-sub</c>), as the camera
/// announced it: <see cref="Kind"/> is <c>walk</c> (the grey box crossing the picture from <see cref="Start"/> to
/// <see cref="End"/>), <c>person</c> (a real photograph of a person, NASA's portrait of the astronaut Eileen Collins,
/// crossing the picture the same way from <see cref="Start"/> to <see cref="End"/>, for person detection),
/// <c>light-on</c> or <c>light-off</c> (a brightness step at <see cref="Start"/>, which <see cref="End"/> repeats). The
/// times are the scheduled ones the camera drew by, so a test knows which frames moved. <see cref="Number"/> is k of
/// walk k, person k or light k (light-on k and light-off k are the same light), from 0 in every camera process, each
/// kind counted on its own: a restarted camera starts again at 0.
/// </summary>
public sealed record SceneHappening(string Kind, int Number, DateTimeOffset Start, DateTimeOffset End)
{
    public const string Walk = "walk";
    public const string Person = "person";
    public const string LightOn = "light-on";
    public const string LightOff = "light-off";
}
