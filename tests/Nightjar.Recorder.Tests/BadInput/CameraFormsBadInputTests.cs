using Nightjar.Recorder.Cameras;
using Nightjar.Recorder.Storage;
using Nightjar.Recorder.Tests.Cameras;
using Nightjar.Recording.Storage;
using Xunit;
using Xunit.Abstractions;

namespace Nightjar.Recorder.Tests.BadInput;

/// <summary>
/// Every text case of the corpus (file:, concat:, pipes, spaces, line breaks, 10 KB URLs, shell characters…) typed into
/// every field of the camera dialog, through the catalog the dialog calls: an answer within seconds, never an
/// exception, a message next to the field for each refusal, nothing stored by a refusal, and exactly the value (its
/// credentials moved to their fields) stored by an acceptance.
/// </summary>
public sealed class CameraFormsBadInputTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly CameraForm Good = new("Porch", "rtsp://127.0.0.1:1/stream1", "", "viewer", "secret-pass");

    [Fact]
    public async Task EveryField_AnswersEveryBadValue_AndARefusalStoresNothing()
    {
        await using var harness = await CameraHarness.StartAsync();
        var failures = new List<string>();
        var accepted = 0;
        foreach (var bad in BadInputCorpus.OfKind(BadInputCase.TextKind))
        {
            var text = bad.Text();
            var forms = new (string Field, CameraForm Form)[]
            {
                (CameraField.Name, Good with { Name = text }),
                (CameraField.StreamUrl, Good with { StreamUrl = text }),
                (CameraField.SubStreamUrl, Good with { SubStreamUrl = text }),
                (CameraField.UserName, Good with { UserName = text }),
                (CameraField.Password, Good with { Password = text }),
            };
            foreach (var (field, form) in forms)
            {
                CameraSaveOutcome outcome;
                try
                {
                    outcome = await harness.Catalog.SaveAsync(null, form).WaitAsync(Patience);
                }
                catch (Exception ex)
                {
                    failures.Add($"{bad} in {field}: {ex.GetType().Name} {ex.Message}");
                    continue;
                }

                var stored = await StoredAsync(harness);
                if (outcome.Saved is null)
                {
                    if (outcome.Errors.Count == 0 || outcome.Errors.Values.Any(string.IsNullOrWhiteSpace))
                    {
                        failures.Add($"{bad} in {field}: refused without a message");
                    }

                    if (stored.Count != 0)
                    {
                        failures.Add($"{bad} in {field}: refused, yet a camera was stored");
                    }

                    continue;
                }

                accepted++;
                var row = Assert.Single(stored);
                if (field == CameraField.Name && row.Name != text.Trim())
                {
                    failures.Add($"{bad} in {field}: stored as '{row.Name}'");
                }

                if (!row.StreamUrl.StartsWith("rtsp://", StringComparison.OrdinalIgnoreCase) && !row.StreamUrl.StartsWith("rtsps://", StringComparison.OrdinalIgnoreCase)
                    || row.StreamUrl.Contains('@', StringComparison.Ordinal) || row.StreamUrl.Any(char.IsWhiteSpace))
                {
                    failures.Add($"{bad} in {field}: stream URL stored as '{row.StreamUrl}'");
                }

                output.WriteLine($"accepted in {field}: {bad}");
                Assert.Null(await harness.Catalog.RemoveAsync(outcome.Saved.Id, deleteRecordings: true));
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(accepted > 0);
        Assert.False(File.Exists("/tmp/nightjar-pwned"));
    }

    private static async Task<List<(string Name, string StreamUrl)>> StoredAsync(CameraHarness harness)
    {
        await using var connection = await harness.Services.Get<Database>().OpenAsync();
        return [.. await connection.QueryAsync("SELECT name, stream_url FROM camera WHERE removed_utc IS NULL", r => (Name: r.GetString(0), StreamUrl: r.GetString(1)))];
    }
}
