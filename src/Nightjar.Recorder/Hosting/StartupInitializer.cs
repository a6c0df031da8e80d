using Nightjar.Recorder.Accounts;
using Nightjar.Recorder.Identity;
using Nightjar.Recorder.Storage;

namespace Nightjar.Recorder.Hosting;

/// <summary>
/// Brings storage up to date before the listeners open: migrations, the device identity, the credential epoch.
/// Registered first, so it runs before Kestrel accepts a request.
/// </summary>
public sealed class StartupInitializer(Database database, RecorderIdentityStore devices, CredentialEpoch epoch) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            await SchemaMigrations.MigrateAsync(connection);
        }

        await devices.EnsureCreatedAsync();
        await epoch.LoadAsync();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
