namespace Nightjar.Recorder.Events;

public static class EventsRegistration
{
    /// <summary>The Events feature: descriptions of events, the live feed of this host, the screen and the routes.</summary>
    public static IServiceCollection AddEvents(this IServiceCollection services)
    {
        services.AddSingleton<EventDescriptions>();
        services.AddSingleton<EventFeed>();
        return services.AddHostedService(s => s.GetRequiredService<EventFeed>());
    }
}
