using Microsoft.Data.Sqlite;

namespace Nightjar.Recorder.Hosting;

/// <summary>What kind of storage trouble an exception is, read from SQLite's result code or the OS error.</summary>
public static class StorageFault
{
    private const int Enospc = 28;
    private const int Erofs = 30;
    private const int Edquot = 122;

    public enum Kind
    {
        DiskFull,
        NotWritable,
        Damaged,
    }

    /// <summary>The kind of the first storage failure in <paramref name="failure"/>'s chain, or null when it is something else.</summary>
    public static Kind? Of(Exception failure)
    {
        for (Exception? ex = failure; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case SqliteException { SqliteErrorCode: 13 }:
                case IOException { HResult: Enospc or Edquot }:
                    return Kind.DiskFull;
                case SqliteException { SqliteErrorCode: 11 or 26 }:
                    return Kind.Damaged;
                case SqliteException { SqliteErrorCode: 3 or 8 or 10 or 14 }:
                case UnauthorizedAccessException:
                case IOException { HResult: Erofs }:
                    return Kind.NotWritable;
            }
        }

        return null;
    }

    /// <summary>How the owner is told, in a phrase ("the disk holding the data folder is full").</summary>
    public static string Describe(Kind kind) => kind switch
    {
        Kind.DiskFull => "the disk holding the data folder is full",
        Kind.Damaged => "the database is damaged",
        _ => "the data folder cannot be written",
    };
}
