using System.Text.RegularExpressions;

namespace Nightjar.Recorder.Hosting;

/// <summary>
/// Turns the configuration binder's "Failed to convert configuration value 'x' at 'Key' to type 'System.Int32'"
/// into what the owner can act on: the key, what it takes, and what was given, without .NET type names.
/// </summary>
public static partial class ConfigurationMessages
{
    [GeneratedRegex("^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'", RegexOptions.Singleline)]
    private static partial Regex ConversionFailure();

    public static string Explain(string message)
    {
        var match = ConversionFailure().Match(message);
        if (!match.Success)
        {
            return message;
        }

        var value = match.Groups["value"].Value;
        var shown = value.Length > 60 ? value[..60] + "…" : value;
        return $"{match.Groups["key"].Value} must be {Expected(match.Groups["type"].Value)} (got '{shown}').";
    }

    private static string Expected(string typeName)
    {
        // Nullable<T> reads as "System.Nullable`1[[System.Int64, …]]": what matters is the T inside.
        var name = typeName.Contains("[[", StringComparison.Ordinal) ? typeName.Split("[[", 2)[1].Split(',', 2)[0] : typeName;
        switch (name)
        {
            case "System.Int16" or "System.Int32" or "System.Int64" or "System.UInt16" or "System.UInt32" or "System.UInt64" or "System.Byte":
                return "a whole number";
            case "System.Double" or "System.Single" or "System.Decimal":
                return "a number";
            case "System.Boolean":
                return "true or false";
            case "System.TimeSpan":
                return "a duration such as 00:05:00 (hours:minutes:seconds)";
        }

        var type = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(name)).FirstOrDefault(t => t is not null);
        return type is { IsEnum: true } ? "one of " + string.Join(", ", Enum.GetNames(type)) : "a valid value";
    }
}
