using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Nightjar.Recorder.Hosting;

/// <summary>
/// Why the recorder could not start, said in a line the owner can act on, with an exit code of its own so that
/// systemd (deploy/nightjar.service) does not restart into the same failure. Unknown failures are not explained:
/// they are bugs, and their stack trace is what a developer needs.
/// </summary>
public sealed record StartFailure(int ExitCode, IReadOnlyList<string> Lines)
{
    public const int ConfigurationError = 2;

    /// <summary>EX_DATAERR: a database file is damaged.</summary>
    public const int DamagedDatabase = 65;

    /// <summary>EX_UNAVAILABLE: a listener address cannot be used (taken, or not an address of this box).</summary>
    public const int ListenerUnavailable = 69;

    /// <summary>EX_CANTCREAT: the disk is full.</summary>
    public const int DiskFull = 73;

    /// <summary>EX_IOERR: a folder cannot be written (permissions, a read-only disk, a file in the way).</summary>
    public const int FolderNotWritable = 74;

    /// <param name="failure">What was thrown.</param>
    /// <param name="folder">The folder being used when it was thrown, for the message ("the data folder /var/lib/nightjar").</param>
    public static StartFailure? Explain(Exception failure, string folder)
    {
        foreach (var ex in Chain(failure))
        {
            switch (ex)
            {
                case OptionsValidationException validation:
                    return new StartFailure(ConfigurationError, validation.Failures.Select(ConfigurationMessages.Explain).ToList());
                case InvalidOperationException when ConfigurationMessages.Explain(ex.Message) is var explained && explained != ex.Message:
                    return new StartFailure(ConfigurationError, [explained]);
                case not null when StorageFault.Of(ex) is { } kind:
                    return kind switch
                    {
                        StorageFault.Kind.DiskFull => One(DiskFull, $"the disk holding {folder} is full. Free some space there (or point Nightjar:DataDir elsewhere) and start again."),
                        StorageFault.Kind.Damaged => One(DamagedDatabase, $"a database in {folder} is damaged ({(ex is SqliteException { SqliteErrorCode: 26 } ? "a file that is not a database" : "its contents are corrupt")}). "
                            + "Restore it from a backup, or move it aside to start afresh."),
                        _ => One(FolderNotWritable, $"{folder} cannot be written ({ex.Message.TrimEnd('.')}). Check its owner and permissions and that its disk is mounted read-write."),
                    };
                case IOException when ex.Message.StartsWith("Failed to bind to address", StringComparison.Ordinal):
                    return One(ListenerUnavailable, ex.Message + " Choose another port in Nightjar:Console:Url or Nightjar:Api:Url, or stop what uses it.");
                case SocketException socket:
                    return One(ListenerUnavailable, $"a listener address in Nightjar:Console:Url or Nightjar:Api:Url cannot be used ({socket.Message}).");
                case InvalidOperationException when ex.Message.Contains("newer than this recorder", StringComparison.Ordinal):
                case System.Security.Cryptography.CryptographicException:
                    return One(DamagedDatabase, ex.Message);
                case IOException:
                    return One(FolderNotWritable, $"{folder} cannot be used: {ex.Message}");
            }
        }

        return null;
    }

    private static StartFailure One(int exitCode, string line) => new(exitCode, [line]);

    private static IEnumerable<Exception> Chain(Exception failure)
    {
        for (Exception? ex = failure; ex is not null; ex = ex.InnerException)
        {
            yield return ex;
            if (ex is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Chain))
                {
                    yield return inner;
                }

                yield break;
            }
        }
    }
}
