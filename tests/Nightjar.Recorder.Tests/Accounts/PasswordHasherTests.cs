using Microsoft.Extensions.Options;
using Nightjar.Recorder.Accounts;
using Xunit;

namespace Nightjar.Recorder.Tests.Accounts;

public class PasswordHasherTests
{
    private static PasswordHasher Hasher(int iterations = 2, int slots = 2, TimeSpan? queue = null) =>
        new(Options.Create(new AccountOptions
        {
            Argon2Iterations = iterations,
            MaxConcurrentHashes = slots,
            HashQueueTimeout = queue ?? TimeSpan.FromSeconds(5),
        }));

    [Fact]
    public async Task Hash_ThenVerify_RoundTrips()
    {
        using var hasher = Hasher();
        var hash = await hasher.HashAsync("violet-comet-4821");

        Assert.NotNull(hash);
        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", hash, StringComparison.Ordinal);
        Assert.DoesNotContain('\0', hash);
        Assert.Equal(PasswordVerification.Match, await hasher.VerifyAsync(hash, "violet-comet-4821"));
    }

    [Fact]
    public async Task Verify_WrongPassword_IsMismatch()
    {
        using var hasher = Hasher();
        var hash = (await hasher.HashAsync("violet-comet-4821"))!;

        Assert.Equal(PasswordVerification.Mismatch, await hasher.VerifyAsync(hash, "violet-comet-4822"));
        Assert.Equal(PasswordVerification.Mismatch, await hasher.VerifyAsync(hash, ""));
    }

    [Fact]
    public async Task Hash_IsSaltedDifferentlyEachTime()
    {
        using var hasher = Hasher();
        Assert.NotEqual(await hasher.HashAsync("violet-comet-4821"), await hasher.HashAsync("violet-comet-4821"));
    }

    [Fact]
    public async Task Verify_HashFromWeakerParameters_AsksForRehash()
    {
        using var old = Hasher(iterations: 2);
        using var current = Hasher(iterations: 3);
        var hash = (await old.HashAsync("violet-comet-4821"))!;

        Assert.Equal(PasswordVerification.MatchNeedsRehash, await current.VerifyAsync(hash, "violet-comet-4821"));
        var rehashed = (await current.HashAsync("violet-comet-4821"))!;
        Assert.Equal(PasswordVerification.Match, await current.VerifyAsync(rehashed, "violet-comet-4821"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a hash")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1$garbage")]
    [InlineData("$2b$12$abcdefghijklmnopqrstuuOaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task Verify_MalformedStoredHash_IsMismatchNotCrash(string stored)
    {
        using var hasher = Hasher();
        Assert.Equal(PasswordVerification.Mismatch, await hasher.VerifyAsync(stored, "violet-comet-4821"));
    }

    [Fact]
    public async Task Verify_WhenEverySlotIsBusy_AnswersBusyInsteadOfQueueing()
    {
        using var hasher = Hasher(slots: 1, queue: TimeSpan.Zero);
        var hash = (await hasher.HashAsync("violet-comet-4821"))!;

        // The first call takes the only slot synchronously; the second finds none free and does not wait.
        var first = hasher.VerifyAsync(hash, "violet-comet-4821");
        var second = await hasher.VerifyAsync(hash, "violet-comet-4821");

        Assert.Equal(PasswordVerification.Busy, second);
        Assert.Equal(PasswordVerification.Match, await first);
    }
}
