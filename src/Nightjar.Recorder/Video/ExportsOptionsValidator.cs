using System.Globalization;
using Microsoft.Extensions.Options;

namespace Nightjar.Recorder.Video;

public sealed class ExportsOptionsValidator : IValidateOptions<ExportsOptions>
{
    public ValidateOptionsResult Validate(string? name, ExportsOptions options) =>
        options.MaxBytes < ExportsOptions.MinimumMaxBytes
            ? ValidateOptionsResult.Fail(string.Create(CultureInfo.InvariantCulture,
                $"Nightjar:Exports:MaxBytes must be at least {ExportsOptions.MinimumMaxBytes} (1 MiB) (got {options.MaxBytes})."))
            : ValidateOptionsResult.Success;
}
