using System.Net.Http.Json;
using Nightjar.Recorder.Recovery;
using Nightjar.TestSupport;

namespace Nightjar.Bench;

/// <summary>Forgot Password over the console listener's recovery routes, reading the Secure Code from the loopback relay.</summary>
public static class ConsoleRecovery
{
    /// <summary>Asks for a code, reads it from the Reset Password email, types it: returns the request and its ticket.</summary>
    public static async Task<(string RequestId, string Ticket)> VerifiedAsync(HttpClient console, LoopbackSmtpServer smtp)
    {
        var before = smtp.Received.Count;
        var request = (await (await console.PostAsync("/console/recovery/requests", null)).Content.ReadFromJsonAsync<RecoveryEndpoints.RequestBody>())!;
        await smtp.WaitForMessageAsync(_ => smtp.Received.Count > before, TimeSpan.FromSeconds(30));
        var code = SecureCodeText.In(smtp.Received.Last(m => (m.Subject ?? "").StartsWith("Reset Password", StringComparison.Ordinal)));
        var verified = await console.PostAsJsonAsync($"/console/recovery/requests/{request.RequestId}/verify", new { code });
        return (request.RequestId, (await verified.Content.ReadFromJsonAsync<RecoveryEndpoints.TicketBody>())!.Ticket);
    }

    /// <summary>Sets the new password for a verified request; the recorder then reboots (the default profile).</summary>
    public static async Task CompleteAsync(HttpClient console, string requestId, string ticket, string newPassword) =>
        (await console.PostAsJsonAsync($"/console/recovery/requests/{requestId}/complete", new { ticket, newPassword, confirmPassword = newPassword }))
            .EnsureSuccessStatusCode();
}
