using System.Globalization;
using Microsoft.Extensions.Options;

namespace Nightjar.Recorder.Detection;

/// <summary>
/// A budget out of range stops the start with a message; a model that is missing or damaged does not (motion events go
/// on without people and vehicles, and the Events screen says why).
/// </summary>
public sealed class DetectionOptionsValidator : IValidateOptions<DetectionOptions>
{
    public ValidateOptionsResult Validate(string? name, DetectionOptions options)
    {
        var failures = new List<string>();
        if (!(options.PerSecond >= DetectionOptions.MinPerSecond && options.PerSecond <= DetectionOptions.MaxPerSecond))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{DetectionOptions.Section}:PerSecond takes {DetectionOptions.MinPerSecond} to {DetectionOptions.MaxPerSecond} inferences a second (got {options.PerSecond})."));
        }

        if (options.Model is { } model && (model.Any(char.IsControl) || model.Length > 4096))
        {
            failures.Add($"{DetectionOptions.Section}:Model must be the path of a model file.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
