namespace Nightjar.TestSupport;

/// <summary>The checkout the tests and benchmarks run from: the folder above them that holds <c>Nightjar.slnx</c>.</summary>
public static class RepositoryFolder
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(System.IO.Path.Combine(folder.FullName, "Nightjar.slnx")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException($"No Nightjar.slnx above {AppContext.BaseDirectory}.");
    }
}
