namespace Nightjar.Recorder.Console;

/// <summary>The on-screen console: Blazor components rendered interactively on the server.</summary>
public static class ConsoleRegistration
{
    public static IServiceCollection AddConsole(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddScoped<ConsoleShell>();
        services.AddScoped<KeyboardState>();
        services.AddSingleton<LiveLayout>();
        return services;
    }

    public static WebApplication MapConsole(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
