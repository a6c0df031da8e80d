using Microsoft.Extensions.Options;

namespace Nightjar.Recorder.Recordings;

public sealed class FfmpegOptionsValidator : IValidateOptions<FfmpegOptions>
{
    public ValidateOptionsResult Validate(string? name, FfmpegOptions options) =>
        string.IsNullOrWhiteSpace(options.Path) || options.Path.Any(char.IsControl)
            ? ValidateOptionsResult.Fail($"Nightjar:Ffmpeg:Path must name the ffmpeg program, such as /usr/bin/ffmpeg (got '{options.Path}').")
            : ValidateOptionsResult.Success;
}
