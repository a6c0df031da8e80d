using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nightjar.Recorder.Accounts;
using Nightjar.Recorder.Audit;
using Nightjar.Recorder.Identity;
using Nightjar.Recorder.Mail;
using Nightjar.Recorder.Power;
using Nightjar.Recorder.Recovery;
using Nightjar.Recorder.Setup;
using Nightjar.Recorder.Storage;

namespace Nightjar.Recorder.Hosting;

/// <summary>One <c>AddXxx()</c> per feature, so <see cref="RecorderApp"/> reads like a table of contents.</summary>
public static class FeatureRegistration
{
    public static IServiceCollection AddStorage(this IServiceCollection services) =>
        services.AddSingleton<Database>().AddSingleton<DatabaseRetention>().AddHostedService(s => s.GetRequiredService<DatabaseRetention>());

    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddOptions<AccountOptions>().BindConfiguration(AccountOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AccountOptions>, AccountOptionsValidator>();
        services.AddSingleton<PasswordHasher>();
        services.AddSingleton<CredentialEpoch>();
        services.AddSingleton<ConsoleLock>();
        services.AddSingleton<AdminAccount>();
        services.AddSingleton<ConsoleLogin>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, CurrentCredentialEpoch.Handler>();
        return services.AddConsoleSessions();
    }

    public static IServiceCollection AddAudit(this IServiceCollection services) =>
        services.AddSingleton<AuditLog>();

    public static IServiceCollection AddIdentity(this IServiceCollection services) =>
        services.AddSingleton<RecorderIdentityStore>();

    public static IServiceCollection AddMail(this IServiceCollection services)
    {
        services.AddOptions<MailOptions>().BindConfiguration(MailOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MailOptions>, MailOptionsValidator>();
        services.AddSingleton<MailRelaySettingsStore>();
        // The outbox is Notifications' (every channel's), which mail cannot go without.
        services.TryAddSingleton<Notifications.Outbox>();
        services.AddSingleton<MailComposer>();
        services.AddSingleton<SmtpRelay>();
        services.AddSingleton<PickupFolder>();
        services.AddSingleton<TestEmail>();
        return services.AddHostedService<MailSender>();
    }

    public static IServiceCollection AddRecovery(this IServiceCollection services)
    {
        services.AddOptions<RecoveryOptions>().BindConfiguration(RecoveryOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RecoveryOptions>, RecoveryOptionsValidator>();
        services.AddSingleton<RecoverySettingsStore>();
        services.AddSingleton<Security.DeviceSecret>();
        services.AddSingleton<RecoveryMessages>();
        services.AddSingleton<RecoveryEmailChange>();
        services.AddSingleton<RestartAfterReset>();
        return services.AddSingleton<PasswordRecovery>();
    }

    public static IServiceCollection AddSetup(this IServiceCollection services) =>
        services.AddSingleton<FirstBootSetup>();

    public static IServiceCollection AddPairing(this IServiceCollection services)
    {
        // Only the companion API is documented: the console's routes are not a contract for apps.
        services.AddOpenApi("v1", options =>
        {
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/v1", StringComparison.Ordinal) == true;
            Pairing.BearerTokenDocumentation.AddTo(options);
        });
        // Numbers are numbers: no "123" accepted for 123, so the document types them as integers, not integer-or-string.
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict);
        services.AddSingleton<Pairing.AppTokens>();
        services.AddSingleton<Pairing.PairingAddress>();
        // Every request on the API after sign-in is authorized by the token's scheme and the credential epoch.
        services.AddAuthentication()
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, Pairing.AppTokenAuthenticationHandler>(
                Pairing.AppTokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(Pairing.AppTokenAuthenticationHandler.Policy, policy => policy
            .AddAuthenticationSchemes(Pairing.AppTokenAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser()
            .AddRequirements(new CurrentCredentialEpoch()));
        return services.AddSingleton<Pairing.ApiLoginThrottle>().AddSingleton<Pairing.DeviceCookies>().AddSingleton<Pairing.AppSignIn>();
    }

    public static IServiceCollection AddPower(this IServiceCollection services)
    {
        services.AddOptions<PowerOptions>().BindConfiguration(PowerOptions.Section).ValidateOnStart();
        return services.AddSingleton<PowerControl>();
    }
}
