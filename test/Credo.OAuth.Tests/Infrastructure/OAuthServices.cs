using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Credo.OAuth.Tests.Infrastructure;

/// <summary>The Credo.OAuth services as a host composes them, with logs captured for assertions.</summary>
public static class OAuthServices
{
    public static ServiceProvider Create(Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
        services.AddCredoOAuth();
        configure?.Invoke(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public static ClientCredentials Credentials(
        Uri tokenEndpoint,
        string clientId = "client",
        string secret = "s3cr3t-value",
        string scope = "api://resource/.default",
        ClientAuthenticationMethod method = ClientAuthenticationMethod.ClientSecretBasic) =>
        new(tokenEndpoint, clientId, new Secret(secret), ScopeSet.Parse(scope), method);
}
