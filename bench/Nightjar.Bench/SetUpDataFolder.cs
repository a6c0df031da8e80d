using Nightjar.TestSupport;

namespace Nightjar.Bench;

/// <summary>A fresh data folder with first-boot setup done through the real service, ready for a recorder process.</summary>
public static class SetUpDataFolder
{
    /// <param name="relay">The loopback relay for the recovery email, or null to leave mail in the pickup folder.</param>
    public static async Task<string> CreateAsync(LoopbackSmtpServer? relay = null)
    {
        var dataDir = TestRecorder.NewDataDir();
        await using var setup = await TestRecorder.StartInAsync(dataDir);
        await setup.CompleteSetupAsync("jane@example.com", relay);
        return dataDir;
    }
}
