namespace Nightjar.Recorder.Cameras;

/// <summary>
/// At every host start, tells the engine which cameras to record. After a console restart the list is the same, so
/// the engine changes nothing and no recording is interrupted.
/// </summary>
public sealed class CameraStartup(CameraCatalog catalog) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await catalog.MoveQueryCredentialsOutOfSavedUrlsAsync();
        await catalog.ApplyAsync();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
