using Microsoft.Extensions.Options;
using Nightjar.Recording.Ingest;

namespace Nightjar.Recorder.Recordings;

public sealed class FfmpegOptionsValidator : IValidateOptions<FfmpegOptions>
{
    public ValidateOptionsResult Validate(string? name, FfmpegOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Path) || options.Path.Any(char.IsControl))
        {
            return ValidateOptionsResult.Fail($"Nightjar:Ffmpeg:Path must name the ffmpeg program, such as /usr/bin/ffmpeg (got '{options.Path}').");
        }

        // A relative path would mean a different program in every working folder, so it is refused rather than guessed.
        return ProgramSearch.Find(options.Path, Environment.GetEnvironmentVariable("PATH")) is null
            ? ValidateOptionsResult.Fail(
                $"Nightjar:Ffmpeg:Path must be an absolute path, or a name found in an absolute folder of the PATH, such as ffmpeg or /usr/bin/ffmpeg (got '{options.Path}', which is not found there; the working folder is never searched).")
            : ValidateOptionsResult.Success;
    }
}
