using Microsoft.Extensions.Time.Testing;
using Nightjar.Recorder.Pairing;
using Xunit;
using static Nightjar.Recorder.Pairing.ApiLoginThrottle;

namespace Nightjar.Recorder.Tests.Pairing;

/// <summary>The app sign-in limits on a FakeTimeProvider: per client, per account, and what a device cookie earns.</summary>
public class ApiLoginThrottleTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 27, 14, 0, 0, TimeSpan.Zero));

    private static Refusal Attempt(ApiLoginThrottle throttle, string client, bool hasDeviceCookie, Result result)
    {
        var refusal = throttle.TryBegin(client, hasDeviceCookie, out _);
        if (refusal == Refusal.None)
        {
            throttle.End(client, hasDeviceCookie, result);
        }

        return refusal;
    }

    [Fact]
    public void TenThousandAddresses_GetNoMoreWrongGuesses_ThanTheAccountBudget()
    {
        var throttle = new ApiLoginThrottle(clock);

        var refusals = Enumerable.Range(0, 10_000).Select(i => Attempt(throttle, $"address 10.0.{i / 256}.{i % 256}", false, Result.Wrong)).ToList();

        Assert.Equal(NewClientFailuresPerHour, refusals.Count(r => r == Refusal.None));
        Assert.Equal(10_000 - NewClientFailuresPerHour, refusals.Count(r => r == Refusal.NewClients));
    }

    [Fact]
    public void AnAppThatSignedInBefore_KeepsItsOwnAllowance_DuringAnAttackFromEverywhere()
    {
        var throttle = new ApiLoginThrottle(clock);
        for (var i = 0; i < 1_000; i++)
        {
            Attempt(throttle, $"address 10.1.{i / 256}.{i % 256}", false, Result.Wrong);
        }

        Assert.Equal(Refusal.NewClients, throttle.TryBegin("address 192.168.1.20", false, out var retryAt));
        Assert.InRange(retryAt - clock.GetUtcNow(), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(40));
        Assert.Equal(Refusal.None, Attempt(throttle, "app 5f0c", true, Result.Right));
    }

    [Fact]
    public void TheAccountBudget_RefillsEvenlyOverAnHour()
    {
        var throttle = new ApiLoginThrottle(clock);
        for (var i = 0; i < NewClientFailuresPerHour; i++)
        {
            Assert.Equal(Refusal.None, Attempt(throttle, $"address 10.2.0.{i}", false, Result.Wrong));
        }

        Assert.Equal(Refusal.NewClients, Attempt(throttle, "address 10.2.1.1", false, Result.Wrong));
        clock.Advance(TimeSpan.FromHours(1.0 / NewClientFailuresPerHour));
        Assert.Equal(Refusal.None, Attempt(throttle, "address 10.2.1.1", false, Result.Wrong));
        Assert.Equal(Refusal.NewClients, Attempt(throttle, "address 10.2.1.2", false, Result.Wrong));
    }

    [Fact]
    public void RightPasswords_AndBusyAnswers_GiveTheBudgetBack()
    {
        var throttle = new ApiLoginThrottle(clock);

        for (var i = 0; i < 3 * NewClientFailuresPerHour; i++)
        {
            Assert.Equal(Refusal.None, Attempt(throttle, $"address 10.3.{i / 256}.{i % 256}", false, i % 2 == 0 ? Result.Right : Result.NotChecked));
        }
    }

    [Fact]
    public void FiveWrongFromOneClient_LockItForFifteenMinutes_AndNoOtherClient()
    {
        var throttle = new ApiLoginThrottle(clock);
        for (var i = 0; i < MaxFailures; i++)
        {
            Assert.Equal(Refusal.None, Attempt(throttle, "address 10.4.0.1", false, Result.Wrong));
        }

        Assert.Equal(Refusal.ThisClient, throttle.TryBegin("address 10.4.0.1", false, out var retryAt));
        Assert.Equal(clock.GetUtcNow() + Window, retryAt);
        Assert.Equal(Refusal.None, Attempt(throttle, "address 10.4.0.2", false, Result.Right));
        clock.Advance(Window);
        Assert.Equal(Refusal.None, Attempt(throttle, "address 10.4.0.1", false, Result.Right));
    }

    [Fact]
    public void ABusyAnswer_NeitherCountsNorClearsEarlierFailures()
    {
        var throttle = new ApiLoginThrottle(clock);
        for (var i = 0; i < MaxFailures - 1; i++)
        {
            Attempt(throttle, "app 77aa", true, Result.Wrong);
        }

        Attempt(throttle, "app 77aa", true, Result.NotChecked);
        Assert.Equal(Refusal.None, Attempt(throttle, "app 77aa", true, Result.Wrong));

        Assert.Equal(Refusal.ThisClient, throttle.TryBegin("app 77aa", true, out _));
    }

    [Fact]
    public void AttemptsInFlight_AreBoundedPerClient_AndTakeTheBudgetUpFront()
    {
        var throttle = new ApiLoginThrottle(clock);
        Assert.Equal(Refusal.None, throttle.TryBegin("address 10.5.0.1", false, out _));
        Assert.Equal(Refusal.None, throttle.TryBegin("address 10.5.0.1", false, out _));
        Assert.Equal(Refusal.ThisClient, throttle.TryBegin("address 10.5.0.1", false, out _));

        // Attempts under way hold budget: many clients starting together cannot all pass before any fails.
        var started = Enumerable.Range(0, 500).Count(i => throttle.TryBegin($"address 10.6.{i / 256}.{i % 256}", false, out _) == Refusal.None);
        Assert.Equal(NewClientFailuresPerHour - 2, started);
    }

    [Fact]
    public void AFullTable_ForgetsTheLeastRecentlySeenClient_InsteadOfRefusingNewOnes()
    {
        var throttle = new ApiLoginThrottle(clock);
        for (var i = 0; i < MaxClients; i++)
        {
            Attempt(throttle, $"app {i}", true, Result.Right);
            clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal(Refusal.None, Attempt(throttle, "app newcomer", true, Result.Right));
        Assert.Equal(MaxClients, throttle.TrackedClients);
    }
}
