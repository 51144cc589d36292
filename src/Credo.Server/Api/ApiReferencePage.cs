namespace Credo.Server.Api;

/// <summary>
/// A browsable page of the API at <c>/openapi/</c>: Swagger UI, served from Credo itself (no CDN), over the document at
/// <c>/openapi/v1.json</c>, with "Authorize" taking an API key.
/// </summary>
internal static class ApiReferencePage
{
    public const string Path = "/openapi";

    // The console allows no script at all. Swagger UI needs its own scripts (files, no inline script), fetches the
    // document and sends the tried requests to this server, and draws its icons as data: images; nothing else. The one
    // inline style it applies (Swagger UI 5 of Swashbuckle 11.0.1) is allowed by its hash, not all inline styles.
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-hashes' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='; " +
        "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static IApplicationBuilder UseApiReferencePage(this IApplicationBuilder app)
    {
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(Path, StringComparison.OrdinalIgnoreCase),
            page => page.Use((context, next) =>
            {
                context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
                return next(context);
            }));
        return app.UseSwaggerUI(ui =>
        {
            ui.RoutePrefix = Path.TrimStart('/');
            ui.DocumentTitle = "Credo API";
            ui.SwaggerEndpoint($"{Path}/v1.json", "Credo API v1");
        });
    }
}
