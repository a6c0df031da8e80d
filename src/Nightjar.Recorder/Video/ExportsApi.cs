using Nightjar.Contracts;
using Nightjar.Recorder.Pairing;

namespace Nightjar.Recorder.Video;

/// <summary>
/// The exports folder offered to the app: <c>GET /api/v1/exports</c> lists what Export on the console wrote, and
/// <c>GET /api/v1/exports/{name}</c> downloads one (with HTTP ranges). Names are looked up in the folder's listing,
/// never joined into a path as given.
/// </summary>
public static class ExportsApi
{
    public static IEndpointRouteBuilder MapExportsApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1/exports").RequireAuthorization(AppTokenAuthenticationHandler.Policy)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        api.MapGet("", (Exports exports) => TypedResults.Ok(List(exports))).WithName("ListExports");
        api.MapGet("/{name}", DownloadAsync).WithName("DownloadExport")
            .WithDescription("An exported MP4, as written by Export on the console. Honours Range requests.")
            .Produces(StatusCodes.Status200OK, contentType: "video/mp4").Produces(StatusCodes.Status206PartialContent, contentType: "video/mp4")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }

    /// <summary>The finished exports, newest first (a file still being written ends in <c>.partial</c> and is left out).</summary>
    private static IReadOnlyList<ExportInfo> List(Exports exports) =>
        !Directory.Exists(exports.Folder)
            ? []
            : [.. new DirectoryInfo(exports.Folder).EnumerateFiles("*.mp4")
                .OrderByDescending(f => f.LastWriteTimeUtc)
                .Select(f => new ExportInfo(f.Name, f.Length, new DateTimeOffset(f.LastWriteTimeUtc, TimeSpan.Zero)))];

    private static async Task<IResult> DownloadAsync(HttpContext context, string name, Exports exports, OpenStreams open)
    {
        if (List(exports).FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.Ordinal)) is not { } export)
        {
            return TypedResults.Problem(detail: "There is no export with this name.", statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound);
        }

        using var lease = open.Open(context);
        using var abortOnPasswordChange = lease.Token.Register(context.Abort);
        await Results.File(Path.Combine(exports.Folder, export.Name), "video/mp4", export.Name, enableRangeProcessing: true).ExecuteAsync(context);
        return Results.Empty;
    }
}
