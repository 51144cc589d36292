using Microsoft.Extensions.DependencyInjection;

namespace Credo.OAuth.Tests;

/// <summary>
/// Hosts compose Credo from several modules that each add what they need (Credo.Ews and Credo.Core both add
/// Credo.OAuth and the EWS client), so every registration must be safe to run twice.
/// </summary>
public sealed class OAuthRegistrationTests
{
    [Fact]
    public void Registering_a_client_with_AccessTokenHandler_twice_puts_one_handler_in_its_pipeline()
    {
        var services = new ServiceCollection();
        services.AddCredoOAuth();
        services.AddCredoOAuth();
        services.AddCredoOutboundHttpClient("resource").AddAccessTokenHandler();
        services.AddCredoOutboundHttpClient("resource").AddAccessTokenHandler();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var pipeline = Pipeline(provider, "resource");

        Assert.Single(pipeline.OfType<AccessTokenHandler>());
        var primary = Assert.IsType<SocketsHttpHandler>(pipeline[^1]);
        Assert.NotNull(primary.ConnectCallback);
    }

    [Fact]
    public void Adding_AccessTokenHandler_twice_to_one_client_builder_adds_it_once()
    {
        var services = new ServiceCollection();
        services.AddCredoOAuth();
        var client = services.AddCredoOutboundHttpClient("resource");
        client.AddAccessTokenHandler();
        client.AddAccessTokenHandler();
        using var provider = services.BuildServiceProvider();

        Assert.Single(Pipeline(provider, "resource").OfType<AccessTokenHandler>());
    }

    [Fact]
    public void Registering_Credo_OAuth_twice_registers_the_same_as_once()
    {
        var once = new ServiceCollection();
        once.AddCredoOAuth();
        once.AddCredoOutboundHttpClient("resource").AddAccessTokenHandler();
        var twice = new ServiceCollection();
        twice.AddCredoOAuth();
        twice.AddCredoOutboundHttpClient("resource").AddAccessTokenHandler();
        twice.AddCredoOAuth();
        twice.AddCredoOutboundHttpClient("resource").AddAccessTokenHandler();

        Assert.Equal(Shape(once), Shape(twice));
    }

    [Fact]
    public void Different_clients_each_get_their_own_pipeline()
    {
        var services = new ServiceCollection();
        services.AddCredoOAuth();
        services.AddCredoOutboundHttpClient("first").AddAccessTokenHandler();
        services.AddCredoOutboundHttpClient("second").AddAccessTokenHandler();
        services.AddCredoOutboundHttpClient("plain");
        using var provider = services.BuildServiceProvider();

        Assert.Single(Pipeline(provider, "first").OfType<AccessTokenHandler>());
        Assert.Single(Pipeline(provider, "second").OfType<AccessTokenHandler>());
        Assert.Empty(Pipeline(provider, "plain").OfType<AccessTokenHandler>());
        Assert.IsType<SocketsHttpHandler>(Pipeline(provider, "plain")[^1]);
    }

    /// <summary>The handlers of a named client as the factory builds them, outermost first, ending with the primary handler.</summary>
    private static List<HttpMessageHandler> Pipeline(IServiceProvider provider, string name)
    {
        var handlers = new List<HttpMessageHandler>();
        HttpMessageHandler? handler = provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(name);
        while (handler is not null)
        {
            handlers.Add(handler);
            handler = (handler as DelegatingHandler)?.InnerHandler;
        }

        return handlers;
    }

    private static List<string> Shape(IServiceCollection services) =>
        [.. services.Select(d => $"{d.ServiceType} {d.Lifetime} {d.ServiceKey}")];
}
