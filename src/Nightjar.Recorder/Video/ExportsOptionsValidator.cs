using System.Globalization;
using Microsoft.Extensions.Options;

namespace Nightjar.Recorder.Video;

public sealed class ExportsOptionsValidator : IValidateOptions<ExportsOptions>
{
    public ValidateOptionsResult Validate(string? name, ExportsOptions options)
    {
        if (options.MaxBytes < ExportsOptions.MinimumMaxBytes)
        {
            return ValidateOptionsResult.Fail(string.Create(CultureInfo.InvariantCulture,
                $"Nightjar:Exports:MaxBytes must be at least {ExportsOptions.MinimumMaxBytes} (1 MiB) (got {options.MaxBytes})."));
        }

        // Every disk mounted below it is offered: "/" would offer the box's own disks as USB sticks.
        return !Path.IsPathFullyQualified(options.UsbFolder) || Path.TrimEndingDirectorySeparator(options.UsbFolder) == "/"
            ? ValidateOptionsResult.Fail($"Nightjar:Exports:UsbFolder must be an absolute folder other than / (got '{options.UsbFolder}').")
            : ValidateOptionsResult.Success;
    }
}
