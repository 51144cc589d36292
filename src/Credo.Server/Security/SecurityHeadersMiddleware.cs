namespace Credo.Server.Security;

/// <summary>
/// Headers on every response: a Content-Security-Policy that allows no script at all (the console needs none)
/// and only Credo's own styles, and the usual hardening headers; <c>Cache-Control: no-store</c> on the API and on
/// the endpoints marked <see cref="NoStore"/>.
/// </summary>
internal static class SecurityHeadersMiddleware
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public const string NoStoreValue = "no-store";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";

            // Every API answer (errors too) is about credentials, listeners or mail: no cache, shared or private, keeps it.
            if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
            {
                headers.CacheControl = NoStoreValue;
            }

            return next(context);
        });

    /// <summary>Marks responses of <paramref name="builder"/> <c>Cache-Control: no-store</c> (a mail download, say).</summary>
    public static TBuilder NoStore<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            context.HttpContext.Response.Headers.CacheControl = NoStoreValue;
            return await next(context);
        });
}
