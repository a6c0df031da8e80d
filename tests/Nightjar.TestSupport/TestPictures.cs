namespace Nightjar.TestSupport;

/// <summary>
/// Real photographs from Debian's <c>python3-skimage</c> (installed by <c>scripts/install-packages</c>), in the public
/// domain or CC0 by skimage's own account: what an object detector must recognise.
/// </summary>
public static class TestPictures
{
    private const string Folder = "/usr/lib/python3/dist-packages/skimage/data";

    /// <summary>NASA's portrait of the astronaut Eileen Collins (512×512): a person. The fake camera walks her across its scene.</summary>
    public static string Person => Path.Combine(Folder, "astronaut.png");

    /// <summary>Chelsea the cat (451×300): an animal.</summary>
    public static string Cat => Path.Combine(Folder, "chelsea.png");

    /// <summary>A cup of coffee on a saucer (600×400): nothing a recorder reports.</summary>
    public static string Coffee => Path.Combine(Folder, "coffee.png");
}
