using Nightjar.Recorder.Notifications;
using Xunit;

namespace Nightjar.Recorder.Tests.Mail;

public class RetryScheduleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 14, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(3, 20)]
    [InlineData(4, 40)]
    [InlineData(7, 300)]
    [InlineData(50, 300)]
    public void BacksOff_Doubling_UpToFiveMinutes(int failures, int seconds) =>
        Assert.Equal(Now.AddSeconds(seconds), RetrySchedule.Next(failures, Now, Now.AddHours(1)));

    [Fact]
    public void NeverSchedules_AfterTheMessageStopsMattering()
    {
        Assert.Null(RetrySchedule.Next(1, Now, Now.AddSeconds(5)));
        Assert.Null(RetrySchedule.Next(1, Now, Now));
        Assert.Null(RetrySchedule.Next(1, Now, Now.AddSeconds(-1)));
    }

    [Fact]
    public void NeverNegative_EvenForOddInput()
    {
        Assert.True(RetrySchedule.Next(0, Now, Now.AddHours(1)) > Now);
        Assert.True(RetrySchedule.Next(-3, Now, Now.AddHours(1)) > Now);
        Assert.True(RetrySchedule.Next(int.MaxValue, Now, Now.AddHours(1)) > Now);
    }
}
