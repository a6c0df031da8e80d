using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using Nightjar.Contracts;
using Nightjar.Recorder.Pairing;

namespace Nightjar.Recorder.WebPush;

/// <summary>
/// Web Push for the web app (or any client that can receive it): the recorder's VAPID key to subscribe with, and the
/// registration of a browser's subscription under the caller's sign-in, which alerts then go to.
/// </summary>
public static class WebPushEndpoints
{
    public const int MaxEndpointLength = 2048;

    public static IEndpointRouteBuilder MapWebPush(this IEndpointRouteBuilder endpoints)
    {
        var push = endpoints.MapGroup("/api/v1/push").RequireAuthorization(AppTokenAuthenticationHandler.Policy)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        push.MapGet("/key", (WebPushKeys keys) => TypedResults.Ok(new PushKeyResponse(keys.PublicKey))).WithName("WebPushKey")
            .WithDescription("The recorder's VAPID public key: a browser's applicationServerKey.");
        push.MapPost("/subscriptions", AddAsync).WithName("AddWebPushSubscription")
            .WithDescription("Registers a browser's push subscription (PushSubscription.toJSON(): endpoint, an https address; keys.p256dh, keys.auth) under this sign-in; alerts go to it until the sign-in ends.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);
        push.MapDelete("/subscriptions", RemoveAsync).WithName("RemoveWebPushSubscriptions")
            .WithDescription("Stops alerts to the browsers this sign-in registered.")
            .Produces(StatusCodes.Status204NoContent);
        return endpoints;
    }

    private static async Task<IResult> AddAsync(HttpContext context, PushSubscriptionRequest? request, WebPushSubscriptions subscriptions)
    {
        if (Problem(request) is { } problem)
        {
            return AppSignIn.Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidRequest, problem);
        }

        if (!await subscriptions.AddAsync(TokenId(context), request!.Endpoint!, request.Keys!.P256dh!, request.Keys.Auth!))
        {
            return AppSignIn.Problem(StatusCodes.Status409Conflict, ProblemTypes.InvalidRequest,
                $"{WebPushSubscriptions.MaxSubscriptions} browsers already receive alerts; revoke one on Settings → Mobile App first.");
        }

        return TypedResults.NoContent();
    }

    private static async Task<IResult> RemoveAsync(HttpContext context, WebPushSubscriptions subscriptions)
    {
        await subscriptions.RemoveForTokenAsync(TokenId(context));
        return TypedResults.NoContent();
    }

    /// <summary>What is wrong with a subscription, in words, or null when it can be used.</summary>
    public static string? Problem(PushSubscriptionRequest? request)
    {
        if (request?.Endpoint is not { Length: > 0 and <= MaxEndpointLength } endpoint
            || !Uri.TryCreate(endpoint, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps
            || url.UserInfo.Length > 0 || url.Fragment.Length > 0 || url.Host.Length == 0)
        {
            return $"endpoint must be the push service's https address (at most {MaxEndpointLength} characters), as the browser gave it.";
        }

        if (request.Keys?.P256dh is not { Length: > 0 and <= 200 } p256dh || !IsPublicKey(p256dh))
        {
            return "keys.p256dh must be the browser's P-256 public key (65 bytes, base64url), as the browser gave it.";
        }

        if (request.Keys.Auth is not { Length: > 0 and <= 100 } auth || Decode(auth) is not { Length: 16 })
        {
            return "keys.auth must be the browser's authentication secret (16 bytes, base64url), as the browser gave it.";
        }

        return null;
    }

    private static bool IsPublicKey(string text)
    {
        if (Decode(text) is not { Length: 65 } point || point[0] != 0x04)
        {
            return false;
        }

        try
        {
            // The import checks that the point is on the curve: a key that is not would make every push fail later.
            using var key = ECDiffieHellman.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = point[1..33], Y = point[33..] },
            });
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static byte[]? Decode(string text)
    {
        try
        {
            return Base64Url.DecodeFromChars(text.TrimEnd('='));
        }
        catch (FormatException)
        {
            return null; // not base64url
        }
    }

    private static long TokenId(HttpContext context) =>
        long.Parse(context.User.FindFirst(AppTokenAuthenticationHandler.TokenIdClaim)!.Value, CultureInfo.InvariantCulture);
}
