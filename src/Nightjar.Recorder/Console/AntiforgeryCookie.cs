using System.Security.Cryptography;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace Nightjar.Recorder.Console;

/// <summary>
/// The antiforgery cookie is named anew at every start of the host. Its keys live only as long as the host (like the
/// session cookie's), so a cookie from before a reboot can never be decrypted: under a new name it is not even read
/// (no "token could not be decrypted" error with a stack trace on the first page after every reboot), and it is
/// deleted from the browser so old cookies do not pile up in a kiosk that runs for months.
/// </summary>
public static class AntiforgeryCookie
{
    private const string Prefix = "nightjar.af.";
    private const string FrameworkPrefix = ".AspNetCore.Antiforgery."; // the default name, from before this naming

    public static IServiceCollection AddAntiforgeryCookiePerStart(this IServiceCollection services) =>
        services.AddAntiforgery(options => options.Cookie.Name = Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));

    public static IApplicationBuilder UseStaleAntiforgeryCookieRemoval(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var current = context.RequestServices.GetRequiredService<IOptions<AntiforgeryOptions>>().Value.Cookie.Name;
        foreach (var name in context.Request.Cookies.Keys)
        {
            if ((name.StartsWith(Prefix, StringComparison.Ordinal) || name.StartsWith(FrameworkPrefix, StringComparison.Ordinal))
                && !string.Equals(name, current, StringComparison.Ordinal))
            {
                context.Response.Cookies.Delete(name);
            }
        }

        await next(context);
    });
}
