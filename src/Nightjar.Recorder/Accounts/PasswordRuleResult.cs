namespace Nightjar.Recorder.Accounts;

/// <summary>One rule and whether the password meets it, worded for the live prompt next to the field.</summary>
public sealed record PasswordRuleResult(PasswordRule Rule, bool Met, string Prompt);
