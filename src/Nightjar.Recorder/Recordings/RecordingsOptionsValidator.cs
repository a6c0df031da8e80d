using System.Globalization;
using Microsoft.Extensions.Options;

namespace Nightjar.Recorder.Recordings;

public sealed class RecordingsOptionsValidator : IValidateOptions<RecordingsOptions>
{
    public ValidateOptionsResult Validate(string? name, RecordingsOptions options)
    {
        var failures = new List<string>();
        if (options.Dir is { } dir && (dir.Trim().Length == 0 || dir.IndexOfAny(Path.GetInvalidPathChars()) >= 0 || dir.Any(char.IsControl)))
        {
            failures.Add($"Nightjar:Recordings:Dir must name a folder (got '{dir}').");
        }

        if (options.MaxBytes is { } max && max < RecordingsOptions.MinimumMaxBytes)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"Nightjar:Recordings:MaxBytes must be at least {RecordingsOptions.MinimumMaxBytes} (64 MiB), or unset for the whole disk (got {max})."));
        }

        if (options.MinFreeBytes < 0)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"Nightjar:Recordings:MinFreeBytes cannot be negative (got {options.MinFreeBytes})."));
        }

        if (options.FileSeconds is < 10 or > 600)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"Nightjar:Recordings:FileSeconds must be from 10 to 600 (got {options.FileSeconds})."));
        }

        // Below 2 s a camera's ordinary keyframe interval would restart it; above 5 min a camera that sends none holds a
        // file and its live pictures that long.
        if (options.MaxKeyframeSeconds is < 2 or > 300)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"Nightjar:Recordings:MaxKeyframeSeconds must be from 2 to 300 (got {options.MaxKeyframeSeconds})."));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
