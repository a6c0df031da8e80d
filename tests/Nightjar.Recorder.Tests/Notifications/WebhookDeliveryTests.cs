using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Nightjar.Contracts;
using Nightjar.Recorder.Events;
using Nightjar.Recorder.Notifications;
using Nightjar.TestSupport;
using Xunit;

namespace Nightjar.Recorder.Tests.Notifications;

/// <summary>
/// Webhooks against a real receiver that misbehaves: refused answers are delivered again, redirects are not followed,
/// a receiver that hangs costs five seconds, and a huge answer is not read. Each a plain reason in the delivery log.
/// </summary>
public sealed class WebhookDeliveryTests
{
    private static Task<TestRecorder> StartAsync(WebhookReceiver receiver) =>
        TestRecorder.StartAsync($"--Nightjar:Notifications:Webhook:Url={receiver.Url}", "--Nightjar:Notifications:Webhook:Secret=s3cret-hook");

    private static EventMessage Message(WebhookCall call) => JsonSerializer.Deserialize<EventMessage>(call.Body, EventJson.Options)!;

    [Fact]
    public async Task ARefusedWebhook_IsDeliveredAgain_WithTheSameSignedBody()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var refusals = 1;
        receiver.Answer = (context, _) =>
        {
            context.Response.StatusCode = Interlocked.Decrement(ref refusals) >= 0 ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        };
        await using var recorder = await StartAsync(receiver);

        await AlertRun.MakeEventAsync(recorder);

        var rows = await AlertRun.WaitForRowsAsync(recorder, OutboxChannel.Webhook, r => r.Count == 2 && r.All(x => AlertRun.Is(x.State, OutboxState.Sent)), TimeSpan.FromSeconds(30));
        var start = rows.Single(r => r.Purpose == AlertPurpose.EventStart);
        Assert.Equal(2, start.Attempts); // refused once (503), then delivered
        var calls = receiver.Received;
        Assert.Equal(3, calls.Count);
        Assert.Equal(calls[0].Body, calls[1].Body); // the start, twice, byte for byte
        Assert.All(calls, c => Assert.Equal(WebhookSender.Sign(c.Body, "s3cret-hook"), c.Signature));
        Assert.Equal([EventMessageTypes.Start, EventMessageTypes.Start, EventMessageTypes.End], calls.Select(c => Message(c).Type)); // in order: the end waited for the start
    }

    [Fact]
    public async Task AWebhookThatRedirects_IsNotFollowed_AndTheLogSaysSo()
    {
        await using var elsewhere = await WebhookReceiver.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = (context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = elsewhere.Url.AbsoluteUri;
            return Task.CompletedTask;
        };
        await using var recorder = await StartAsync(receiver);

        await AlertRun.MakeEventAsync(recorder);

        var rows = await AlertRun.WaitForRowsAsync(recorder, OutboxChannel.Webhook, r => r.Count == 2 && r.All(x => AlertRun.Is(x.State, OutboxState.Failed)), TimeSpan.FromSeconds(30));
        Assert.All(rows, r => Assert.Contains("redirect, which is not followed", r.Error, StringComparison.Ordinal));
        Assert.Empty(elsewhere.Received);
    }

    [Fact]
    public async Task AWebhookThatHangs_IsCutOffAfterFiveSeconds_AndRetried()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = async (context, _) => await Task.Delay(TimeSpan.FromSeconds(60), context.RequestAborted);
        await using var recorder = await StartAsync(receiver);

        await AlertRun.MakeEventAsync(recorder);

        var rows = await AlertRun.WaitForRowsAsync(recorder, OutboxChannel.Webhook, r => r.Any(x => AlertRun.Is(x.State, OutboxState.Retrying)), TimeSpan.FromSeconds(20));
        var retrying = rows.First(r => AlertRun.Is(r.State, OutboxState.Retrying));
        Assert.Equal(AlertPurpose.EventStart, retrying.Purpose);
        Assert.Equal("the webhook did not answer within 5 s", retrying.Error);
        Assert.DoesNotContain(rows, r => r.Purpose == AlertPurpose.EventEnd && !AlertRun.Is(r.State, OutboxState.Queued)); // in order: the end waits
    }

    [Fact]
    public async Task AHugeAnswer_IsNotRead_AndTheAlertCountsAsDelivered()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var chunk = new byte[1 << 20];
        receiver.Answer = async (context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            for (var i = 0; i < 200 && !context.RequestAborted.IsCancellationRequested; i++)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted); // 200 MB, if anyone read it
            }
        };
        await using var recorder = await StartAsync(receiver);

        await AlertRun.MakeEventAsync(recorder);

        await AlertRun.WaitForRowsAsync(recorder, OutboxChannel.Webhook, r => r.Count == 2 && r.All(x => AlertRun.Is(x.State, OutboxState.Sent)), TimeSpan.FromSeconds(20));
    }
}
