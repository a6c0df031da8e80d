namespace Nightjar.Recorder.Hosting;

/// <summary>
/// A request body without a Content-Length (chunked, or HTTP/2) is read here first, up to the 64 KB every route
/// allows, and handed on from memory; past the limit it gets 413. Left to the JSON binder, an HTTP/2 body past the
/// limit ended in a 500 ("The PipeReader has already advanced past the provided position").
/// </summary>
public static class BoundedRequestBody
{
    public static IApplicationBuilder UseBoundedRequestBodies(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (request.ContentLength is not null || context.WebSockets.IsWebSocketRequest
            || !(HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method)))
        {
            await next(context);
            return;
        }

        var body = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (body.Length + read > ListenerRouting.MaxRequestBodyBytes)
                {
                    await TooLargeAsync(context);
                    return;
                }

                body.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex)
        {
            context.Response.StatusCode = ex.StatusCode;
            await Results.Problem(statusCode: ex.StatusCode, detail: ex.Message).ExecuteAsync(context);
            return;
        }

        body.Position = 0;
        request.Body = body;
        request.ContentLength = body.Length;
        await next(context);
    });

    private static async Task TooLargeAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        await Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge,
            detail: $"The request body is larger than {ListenerRouting.MaxRequestBodyBytes / 1024} KB.").ExecuteAsync(context);
    }
}
