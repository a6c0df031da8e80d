using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Nightjar.Recorder.Accounts;
using Nightjar.Recorder.Cameras;
using Nightjar.Recorder.Console;
using Nightjar.Recorder.Detection;
using Nightjar.Recorder.Events;
using Nightjar.Recorder.Notifications;
using Nightjar.Recorder.Pairing;
using Nightjar.Recorder.Recordings;
using Nightjar.Recorder.Recovery;
using Nightjar.Recorder.Video;
using Nightjar.Recorder.WebApp;
using Nightjar.Recorder.WebPush;
using Nightjar.Recording;

namespace Nightjar.Recorder.Hosting;

/// <summary>The composition root: one host of the recorder, from configuration to mapped endpoints.</summary>
public static class RecorderApp
{
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Builds a host on the process's recording engine, starting the engine if this is the first host. Throws
    /// <see cref="OptionsValidationException"/> naming the configuration key when a setting the listeners or the
    /// engine need is wrong (the other sections are validated when the host starts), and <see cref="IOException"/>
    /// when the recordings folder cannot be used.
    /// </summary>
    public static async Task<WebApplication> BuildAsync(string[] args, RecordingRuntime recording)
    {
        // The slim builder leaves out what the recorder does not use (IIS integration, HTTP/3, HTTPS endpoints from
        // configuration, regex route constraints), which would otherwise be loaded into memory at every start.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            // Static assets and the framework's scripts are found by the app's name and folder, also when a test hosts it.
            ApplicationName = typeof(RecorderApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseStaticWebAssets();
        // A build's manifest (dotnet run, the tests) would switch on the framework's static-asset reloader, which serves
        // every file recompressed without compression (gzip of stored blocks, as large as the file) and answers any
        // path under wwwroot; off, the build serves its files as the published appliance does: compressed at build
        // time, only those in the manifest.
        builder.Configuration["ReloadStaticAssetsAtRuntime"] = "false";
        // A failed start is reported by RecorderProcess in one line naming the cause; the host's own report is a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);

        var recorderOptions = ReadOptions(builder.Configuration, RecorderOptions.Section, new RecorderOptionsValidator());
        var recordingsOptions = ReadOptions(builder.Configuration, RecordingsOptions.Section, new RecordingsOptionsValidator());
        var ffmpegOptions = ReadOptions(builder.Configuration, FfmpegOptions.Section, new FfmpegOptionsValidator());
        var detectionOptions = ReadOptions(builder.Configuration, DetectionOptions.Section, new DetectionOptionsValidator());
        var exportsOptions = ReadOptions(builder.Configuration, ExportsOptions.Section, new ExportsOptionsValidator());
        var clock = TimeProvider.System;
        DataFolder.CreatePrivate(recorderOptions.DataDirFullPath);
        var certificate = DeviceCertificate.LoadOrCreate(recorderOptions.DataDirFullPath, clock);
        // Made at start, before the kiosk's unit loads it (deploy/nightjar-kiosk.service).
        var kioskSecret = KioskSecret.LoadOrCreate(recorderOptions.DataDirFullPath);
        var ownerCertificate = OwnerCertificate.From(recorderOptions.Api);
        builder.WebHost.ConfigureListeners(recorderOptions, certificate, ownerCertificate);
        var recordingsDir = recordingsOptions.DirFullPath(recorderOptions.DataDirFullPath);
        var exportsRoom = new ExportsRoom(Path.Combine(recorderOptions.DataDirFullPath, "exports"), recordingsDir, exportsOptions.MaxBytes, recordingsOptions.MinFreeBytes);
        var engine = await recording.EnsureStartedAsync(
            new RecordingEngineOptions
            {
                Dir = recordingsDir,
                MaxBytes = recordingsOptions.MaxBytes,
                MinFreeBytes = recordingsOptions.MinFreeBytes,
                // Exports have their own bound; the part of it not yet used stays free from recordings, so that an export
                // never makes retention delete one.
                KeptFreeForOthers = exportsRoom.KeptFreeOnRecordingsDisk,
                FfmpegPath = ffmpegOptions.Path,
                FilePeriod = TimeSpan.FromSeconds(recordingsOptions.FileSeconds),
                MaxKeyframeInterval = TimeSpan.FromSeconds(recordingsOptions.MaxKeyframeSeconds),
                DetectionModel = detectionOptions.ModelFullPath,
                DetectionPerSecond = detectionOptions.PerSecond,
            },
            builder.Configuration,
            clock);

        var services = builder.Services;
        services.AddSingleton(clock);
        services.AddSingleton(_ => certificate); // created by a factory, so the host disposes it
        if (ownerCertificate is not null)
        {
            services.AddSingleton(_ => ownerCertificate);
        }
        services.AddSingleton(kioskSecret);
        services.AddSingleton<BootIdentity>();
        services.AddSingleton<IOptions<RecorderOptions>>(Options.Create(recorderOptions));
        // An instance, not a factory: the host must never dispose the engine, which outlives it.
        services.AddSingleton(engine);
        services.AddSingleton(exportsRoom);
        services.AddSingleton(s => new UsbSticks(exportsOptions.UsbFolder, s.GetRequiredService<Exports>(), s.GetRequiredService<ILogger<UsbSticks>>()));
        services.AddHostedService<StartupInitializer>();
        services.AddSingleton<StartupMemoryRelease>();
        services.AddHostedService(s => s.GetRequiredService<StartupMemoryRelease>());

        services.AddStorage();
        services.AddAccounts();
        services.AddAudit();
        services.AddIdentity();
        services.AddMail();
        services.AddNotifications();
        services.AddRecovery();
        services.AddSetup();
        services.AddPairing();
        services.AddPower();
        services.AddCameras();
        services.AddVideo();
        services.AddEvents();
        services.AddConsole();

        // Console sessions are meant to end with the host: after a reboot the console comes back locked.
        services.AddDataProtection();
        services.Configure<KeyManagementOptions>(keys => keys.XmlRepository = new InMemoryKeyRepository());
        services.AddAntiforgeryCookiePerStart();
        services.AddProblemDetails();
        services.AddSingleton<StorageHealth>();
        services.AddExceptionHandler<StorageFaultHandler>();
        // The console keeps a WebSocket open, which a graceful stop would wait out for 30 s. A reboot of the box
        // does not wait for anyone either: in-flight requests get a moment, then connections are closed.
        services.Configure<HostOptions>(host => host.ShutdownTimeout = ShutdownGrace);

        var app = builder.Build();
        ownerCertificate?.Load(app.Services.GetRequiredService<ILogger<OwnerCertificate>>());
        app.UseListenerIsolation();
        app.UseWebAppPage();
        app.UseRouting(); // after the page's path is set
        app.UseConsoleOriginCheck();
        app.UseSecurityHeaders();
        app.UseBoundedRequestBodies();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(15) });
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseKioskMark();
        app.UseAuthorization();
        app.UseStaleAntiforgeryCookieRemoval();
        app.UseAntiforgery();

        app.MapHealth();
        app.MapConsoleSessions();
        app.MapKiosk();
        app.MapRecovery();
        app.MapCompanionApi();
        app.MapWebSession();
        app.MapWebPush();
        app.MapVideo();
        app.MapExportsApi();
        app.MapEvents();
        app.MapConsole();
        return app;
    }

    /// <summary>Binds and validates a section the host needs before it is built (the listeners, the recording engine).</summary>
    private static T ReadOptions<T>(ConfigurationManager configuration, string section, IValidateOptions<T> validator) where T : class, new()
    {
        var options = new T();
        try
        {
            configuration.GetSection(section).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            throw new OptionsValidationException(section, typeof(T), [ConfigurationMessages.Explain(ex.Message)]);
        }

        var result = validator.Validate(null, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(section, typeof(T), result.Failures);
        }

        return options;
    }
}
