using Credo.OAuth;
using Credo.OAuth.Outbound;

namespace Credo.Server.Hosting;

internal static class CredoServiceCollectionExtensions
{
    /// <summary>The services every command shares, with their settings bound from configuration.</summary>
    public static IServiceCollection AddCredo(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCredoOAuth();
        services.AddOptions<TokenClientOptions>().Bind(configuration.GetSection(TokenClientOptions.SectionName));
        services.AddOptions<OutboundOptions>().Bind(configuration.GetSection(OutboundOptions.SectionName));
        return services;
    }
}
