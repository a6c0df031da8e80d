namespace Nightjar.Recording.Ingest;

/// <summary>
/// Finds the program the recorder runs (ffmpeg). A bare name is looked up only in the absolute folders of PATH, never in
/// the working folder or the recorder's own folder, which .NET's <c>Process.Start</c> searches before PATH: a file named
/// <c>ffmpeg</c> left in either must not run with the recorder's rights and camera passwords.
/// </summary>
public static class ProgramSearch
{
    /// <summary>
    /// The absolute path of <paramref name="program"/>: an absolute path as it is, a bare name from the first absolute
    /// folder of <paramref name="pathVariable"/> that holds it (empty and relative entries are skipped); null when there is
    /// none, or when <paramref name="program"/> is a relative path with a folder in it, which would depend on the working
    /// folder.
    /// </summary>
    public static string? Find(string program, string? pathVariable)
    {
        if (Path.IsPathFullyQualified(program))
        {
            return program;
        }

        if (program.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal) || program.Contains('/', StringComparison.Ordinal))
        {
            return null;
        }

        foreach (var folder in (pathVariable ?? "").Split(Path.PathSeparator))
        {
            if (!Path.IsPathFullyQualified(folder))
            {
                continue;
            }

            var candidate = Path.Combine(folder, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>
    /// <see cref="Find"/> with this process's PATH. Throws <see cref="FileNotFoundException"/> when there is no such
    /// program, naming what was looked for.
    /// </summary>
    public static string Require(string program) =>
        Find(program, Environment.GetEnvironmentVariable("PATH"))
        ?? throw new FileNotFoundException(
            $"'{program}' is neither an absolute path nor a program in an absolute folder of the PATH (the working folder is never searched).", program);
}
