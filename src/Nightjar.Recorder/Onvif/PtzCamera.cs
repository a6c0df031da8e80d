namespace Nightjar.Recorder.Onvif;

/// <summary>
/// A camera being steered from its full-screen live view: it moves while a button is held and stops on release, and
/// goes to its saved presets. A held move is sent again every second with a two-second timeout, so a camera keeps
/// turning while the button is held and stops by itself within two seconds if the release never arrives (the screen
/// lost, the browser closed); release sends Stop at once.
/// </summary>
public sealed class PtzCamera(OnvifDevice device, OnvifServices services, OnvifProfile profile, IReadOnlyList<OnvifPreset> presets, TimeProvider clock)
    : IAsyncDisposable
{
    public static readonly TimeSpan MoveTimeout = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan MoveRenewal = TimeSpan.FromSeconds(1);

    private CancellationTokenSource? holding;
    private Task held = Task.CompletedTask;

    public IReadOnlyList<OnvifPreset> Presets => presets;

    /// <summary>Starts moving at <paramref name="velocity"/> until <see cref="ReleaseAsync"/>; the first request's failure is thrown.</summary>
    public async Task HoldAsync(PtzVelocity velocity)
    {
        await ReleaseMoveAsync();
        var moving = new CancellationTokenSource();
        holding = moving;
        var token = moving.Token;
        try
        {
            await device.ContinuousMoveAsync(services, profile, velocity, MoveTimeout, token);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return; // released before the camera answered: the release sends Stop
        }

        if (holding == moving)
        {
            held = KeepMovingAsync(velocity, token);
        }
    }

    private async Task KeepMovingAsync(PtzVelocity velocity, CancellationToken token)
    {
        try
        {
            while (true)
            {
                await Task.Delay(MoveRenewal, clock, token);
                await device.ContinuousMoveAsync(services, profile, velocity, MoveTimeout, token);
            }
        }
        catch (OperationCanceledException)
        {
            // Released.
        }
        catch (OnvifException)
        {
            // The camera stopped answering mid-move: its own timeout stops it; the release says what went wrong.
        }
    }

    /// <summary>Stops a move (a release without a hold, such as the pointer leaving an idle button, sends nothing).</summary>
    public async Task ReleaseAsync()
    {
        if (await ReleaseMoveAsync())
        {
            await device.StopAsync(services, profile);
        }
    }

    private async Task<bool> ReleaseMoveAsync()
    {
        if (holding is not { } moving)
        {
            return false;
        }

        holding = null;
        await moving.CancelAsync();
        await held;
        moving.Dispose();
        return true;
    }

    public Task GotoAsync(OnvifPreset preset) => device.GotoPresetAsync(services, profile, preset);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ReleaseAsync();
        }
        catch (OnvifException)
        {
            // Leaving the view: the camera's own timeout stops a move whose Stop it did not take.
        }
    }
}
