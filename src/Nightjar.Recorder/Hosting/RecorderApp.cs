using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Nightjar.Recorder.Accounts;
using Nightjar.Recorder.Console;
using Nightjar.Recorder.Pairing;
using Nightjar.Recorder.Recovery;

namespace Nightjar.Recorder.Hosting;

/// <summary>The composition root: one host of the recorder, from configuration to mapped endpoints.</summary>
public static class RecorderApp
{
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Builds a host. Throws <see cref="OptionsValidationException"/> naming the configuration key when a setting
    /// the listeners need is wrong; the other sections are validated when the host starts.
    /// </summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // Static assets and the framework's scripts are found by the app's name and folder, also when a test hosts it.
            ApplicationName = typeof(RecorderApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseStaticWebAssets();

        var recorderOptions = ReadRecorderOptions(builder.Configuration);
        var clock = TimeProvider.System;
        DataFolder.CreatePrivate(recorderOptions.DataDirFullPath);
        var certificate = DeviceCertificate.LoadOrCreate(recorderOptions.DataDirFullPath, clock);
        builder.WebHost.ConfigureListeners(recorderOptions, certificate);

        var services = builder.Services;
        services.AddSingleton(clock);
        services.AddSingleton(_ => certificate); // created by a factory, so the host disposes it
        services.AddSingleton<BootIdentity>();
        services.AddSingleton<IOptions<RecorderOptions>>(Options.Create(recorderOptions));
        services.AddHostedService<StartupInitializer>();

        services.AddStorage();
        services.AddAccounts();
        services.AddAudit();
        services.AddIdentity();
        services.AddMail();
        services.AddRecovery();
        services.AddSetup();
        services.AddPairing();
        services.AddPower();
        services.AddConsole();

        // Console sessions are meant to end with the host: after a reboot the console comes back locked.
        services.AddDataProtection();
        services.Configure<KeyManagementOptions>(keys => keys.XmlRepository = new InMemoryKeyRepository());
        services.AddProblemDetails();
        // The console keeps a WebSocket open, which a graceful stop would wait out for 30 s. A reboot of the box
        // does not wait for anyone either: in-flight requests get a moment, then connections are closed.
        services.Configure<HostOptions>(host => host.ShutdownTimeout = ShutdownGrace);

        var app = builder.Build();
        app.UseListenerIsolation();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapHealth();
        app.MapConsoleSessions();
        app.MapRecovery();
        app.MapCompanionApi();
        app.MapConsole();
        return app;
    }

    private static RecorderOptions ReadRecorderOptions(ConfigurationManager configuration)
    {
        var options = new RecorderOptions();
        try
        {
            configuration.GetSection(RecorderOptions.Section).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            throw new OptionsValidationException(RecorderOptions.Section, typeof(RecorderOptions), [ex.Message]);
        }

        var result = new RecorderOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(RecorderOptions.Section, typeof(RecorderOptions), result.Failures);
        }

        return options;
    }
}
