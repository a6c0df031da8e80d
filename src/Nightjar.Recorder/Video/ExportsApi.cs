using Microsoft.AspNetCore.Http.HttpResults;
using Nightjar.Contracts;
using Nightjar.Recorder.Pairing;

namespace Nightjar.Recorder.Video;

/// <summary>
/// The exports folder offered to the app: <c>GET /api/v1/exports</c> lists what Export on the console wrote,
/// <c>GET /api/v1/exports/{name}</c> downloads one (with HTTP ranges) and <c>DELETE /api/v1/exports/{name}</c> deletes
/// one. Names are looked up in the folder's listing, never joined into a path as given.
/// </summary>
public static class ExportsApi
{
    public static IEndpointRouteBuilder MapExportsApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1/exports").RequireAuthorization(AppTokenAuthenticationHandler.Policy)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        api.MapGet("", (Exports exports) => TypedResults.Ok(exports.List())).WithName("ListExports");
        api.MapGet("/{name}", DownloadAsync).WithName("DownloadExport")
            .WithDescription("An exported MP4, as written by Export on the console. Honours Range requests.")
            .Produces(StatusCodes.Status200OK, contentType: "video/mp4").Produces(StatusCodes.Status206PartialContent, contentType: "video/mp4")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("/{name}", Delete).WithName("DeleteExport")
            .WithDescription("Deletes a finished export. A download under way reads on to its end.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    private static IResult Delete(string name, Exports exports) => exports.Delete(name) switch
    {
        ExportDeletion.Deleted => TypedResults.NoContent(),
        ExportDeletion.NotFound => NoSuchExport(),
        _ => TypedResults.Problem(detail: CouldNotDelete, statusCode: StatusCodes.Status503ServiceUnavailable, type: ProblemTypes.StorageUnavailable),
    };

    /// <summary>Said by the API and the console when an export's file is there but would not go.</summary>
    public const string CouldNotDelete = "The export could not be deleted: the recorder's log (Settings → Log) says why.";

    private static ProblemHttpResult NoSuchExport() =>
        TypedResults.Problem(detail: "There is no export with this name.", statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound);

    private static async Task<IResult> DownloadAsync(HttpContext context, string name, Exports exports, OpenStreams open)
    {
        if (exports.List().FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.Ordinal)) is not { } export)
        {
            return NoSuchExport();
        }

        using var lease = open.Open(context);
        using var abortOnPasswordChange = lease.Token.Register(context.Abort);
        await Results.File(Path.Combine(exports.Folder, export.Name), "video/mp4", export.Name, enableRangeProcessing: true).ExecuteAsync(context);
        return Results.Empty;
    }
}
