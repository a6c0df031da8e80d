namespace Nightjar.TestSupport;

/// <summary>The checkout the tests run from (the folder holding Nightjar.slnx).</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(System.IO.Path.Combine(folder.FullName, "Nightjar.slnx")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("Nightjar.slnx not found above " + AppContext.BaseDirectory);
    }
}
