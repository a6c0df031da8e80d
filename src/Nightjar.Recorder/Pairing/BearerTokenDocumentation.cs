using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Nightjar.Recorder.Pairing;

/// <summary>
/// Says in the OpenAPI document how the API is signed in to: a bearer token from <c>POST /api/v1/sessions</c>, required
/// by every operation whose route asks for authorization (and by no other).
/// </summary>
public static class BearerTokenDocumentation
{
    public const string SchemeId = "bearer";

    public static void AddTo(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
            document.Components.SecuritySchemes[SchemeId] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "The token from POST /api/v1/sessions, as `Authorization: Bearer <token>`. "
                    + "A token from before a password change answers 401 with problem type credentials-changed.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Any())
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeId, context.Document)] = [] });
            }

            return Task.CompletedTask;
        });
    }
}
