using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Nightjar.Recorder.Notifications;
using Nightjar.Recorder.Storage;
using Nightjar.Recorder.Tests.BadInput;
using Nightjar.Recording.Storage;
using Xunit;

namespace Nightjar.Recorder.Tests.Notifications;

/// <summary>
/// Settings → Notifications as saved and as configured: the rules refuse what a broker, a webhook or a mail relay
/// would trip on (wildcards in a topic, a URL with a password in it), secrets are stored encrypted and never shown
/// back, configuration wins field by field, and every corpus value gets a message, never an exception.
/// </summary>
public sealed class NotificationSettingsTests
{
    private static Task<ServiceHarness> StartAsync(Dictionary<string, string?>? configuration = null) =>
        ServiceHarness.StartAsync(services =>
        {
            services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration ?? []).Build());
            services.AddNotifications();
        });

    [Theory]
    [InlineData(NotificationField.MqttTopicPrefix, "home/#")]
    [InlineData(NotificationField.MqttTopicPrefix, "home/+/cams")]
    [InlineData(NotificationField.MqttTopicPrefix, "/nightjar")]
    [InlineData(NotificationField.MqttTopicPrefix, "night jar")]
    [InlineData(NotificationField.MqttTopicPrefix, "$SYS/x")]
    [InlineData(NotificationField.MqttHost, "broker host")]
    [InlineData(NotificationField.MqttPort, "70000")]
    [InlineData(NotificationField.WebhookUrl, "ftp://example.com/hook")]
    [InlineData(NotificationField.WebhookUrl, "https://user:pass@example.com/hook")]
    [InlineData(NotificationField.WebhookUrl, "file:///etc/passwd")]
    [InlineData(NotificationField.EmailTo, "not an address")]
    [InlineData(NotificationField.EmailCooldown, "forever")]
    [InlineData(NotificationField.EmailCooldown, "2.00:00:00")]
    public void TheRules_RefuseWhatWouldFail(string field, string value)
    {
        var settings = field switch
        {
            NotificationField.MqttTopicPrefix => NotificationSettings.Default with { MqttTopicPrefix = value },
            NotificationField.MqttHost => NotificationSettings.Default with { MqttHost = value },
            NotificationField.MqttPort => NotificationSettings.Default with { MqttPort = value },
            NotificationField.WebhookUrl => NotificationSettings.Default with { WebhookUrl = value },
            NotificationField.EmailTo => NotificationSettings.Default with { EmailTo = value },
            _ => NotificationSettings.Default with { EmailCooldown = value },
        };

        Assert.Contains(field, NotificationRules.Validate(settings).Keys);
    }

    [Fact]
    public void EveryCorpusValue_InEveryField_GetsAnAnswer_NeverAnException()
    {
        foreach (var bad in BadInputCorpus.OfKind(BadInputCase.TextKind))
        {
            var text = bad.Text();
            foreach (var settings in new[]
            {
                NotificationSettings.Default with { EmailTo = text }, NotificationSettings.Default with { EmailCooldown = text },
                NotificationSettings.Default with { MqttHost = text }, NotificationSettings.Default with { MqttPort = text },
                NotificationSettings.Default with { MqttUserName = text }, NotificationSettings.Default with { MqttPassword = text },
                NotificationSettings.Default with { MqttTopicPrefix = text }, NotificationSettings.Default with { WebhookUrl = text },
                NotificationSettings.Default with { WebhookSecret = text },
            })
            {
                var errors = NotificationRules.Validate(settings);
                Assert.All(errors.Values, message => Assert.False(string.IsNullOrWhiteSpace(message)));
            }
        }
    }

    [Fact]
    public async Task Secrets_AreStoredEncrypted_NeverShownBack_AndKeptWhenTheFieldIsLeftEmpty()
    {
        await using var harness = await StartAsync();
        var store = harness.Get<NotificationSettingsStore>();
        var settings = NotificationSettings.Default with
        {
            MqttHost = "broker.lan",
            MqttPassword = "mqtt-Secret-91",
            WebhookUrl = "https://hooks.lan/n",
            WebhookSecret = "hook-Secret-17",
        };

        await store.SaveAsync(settings);
        await store.SaveAsync((await store.GetEffectiveAsync()).Settings.WithoutSecrets() with { MqttTopicPrefix = "garden" });
        var effective = await store.GetEffectiveAsync();

        Assert.Equal(("mqtt-Secret-91", "hook-Secret-17", "garden"), (effective.Settings.MqttPassword, effective.Settings.WebhookSecret, effective.Settings.MqttTopicPrefix));
        Assert.Equal(2, effective.SavedSecrets.Count);
        Assert.Equal(("", ""), (effective.Settings.WithoutSecrets().MqttPassword, effective.Settings.WithoutSecrets().WebhookSecret));
        await using (var connection = await harness.Get<Database>().OpenAsync())
        {
            var all = string.Join("\n", await connection.QueryAsync("SELECT value FROM setting", r => r.GetString(0)));
            Assert.DoesNotContain("mqtt-Secret-91", all, StringComparison.Ordinal);
            Assert.DoesNotContain("hook-Secret-17", all, StringComparison.Ordinal);
        }

        await store.SaveAsync(effective.Settings.WithoutSecrets() with { WebhookUrl = "" }); // the webhook removed: its secret goes too
        Assert.Equal("", (await store.GetEffectiveAsync()).Settings.WebhookSecret);
    }

    [Fact]
    public async Task Configuration_WinsFieldByField_AndIsNeverSavedOver()
    {
        await using var harness = await StartAsync(new()
        {
            ["Nightjar:Notifications:Mqtt:Host"] = "configured.lan",
            ["Nightjar:Notifications:SendAlerts"] = "false",
        });
        var store = harness.Get<NotificationSettingsStore>();

        await store.SaveAsync(NotificationSettings.Default with { MqttHost = "typed.lan", MqttPort = "1884", SendAlerts = true });
        var effective = await store.GetEffectiveAsync();

        Assert.Equal(("configured.lan", "1884", false), (effective.Settings.MqttHost, effective.Settings.MqttPort, effective.Settings.SendAlerts));
        Assert.Contains(NotificationField.MqttHost, effective.FromConfiguration);
        Assert.DoesNotContain(NotificationField.MqttPort, effective.FromConfiguration);
    }

    [Fact]
    public async Task Snooze_LastsItsHour_AndCanBeEnded()
    {
        await using var harness = await StartAsync();
        var store = harness.Get<NotificationSettingsStore>();

        await store.SnoozeAsync("cam-a", harness.Clock.GetUtcNow().AddHours(1));
        Assert.True((await store.GetSnoozesAsync(harness.Clock.GetUtcNow())).ContainsKey("cam-a"));
        harness.Clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Empty(await store.GetSnoozesAsync(harness.Clock.GetUtcNow()));
        await store.SnoozeAsync("cam-a", harness.Clock.GetUtcNow().AddHours(1));
        await store.SnoozeAsync("cam-a", null);
        Assert.Empty(await store.GetSnoozesAsync(harness.Clock.GetUtcNow()));
    }
}
