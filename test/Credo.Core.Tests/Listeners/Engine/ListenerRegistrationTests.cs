using Credo.Core.Listeners;
using Credo.Core.Listeners.Sources;
using Credo.Core.Persistence;
using Credo.OAuth;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Core.Tests.Listeners.Engine;

/// <summary>The server composes Credo.Core and the listener engine, both of which need the EWS client: it is registered once.</summary>
public sealed class ListenerRegistrationTests
{
    [Fact]
    public void Core_and_listeners_together_put_one_AccessTokenHandler_in_the_EWS_pipeline_and_one_source_per_protocol()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddCredoCore(new DatabaseOptions { ConnectionString = "Data Source=unused.db" });
        services.AddCredoListeners(runInBackground: true);
        services.AddCredoCore(new DatabaseOptions { ConnectionString = "Data Source=unused.db" });
        using var provider = services.BuildServiceProvider();

        var handlers = new List<HttpMessageHandler>();
        for (HttpMessageHandler? h = provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler("Credo.Ews"); h is not null; h = (h as DelegatingHandler)?.InnerHandler)
        {
            handlers.Add(h);
        }

        Assert.Single(handlers.OfType<AccessTokenHandler>());
        Assert.Equal(MailProtocols.All.Select(p => p.Name).Order(), provider.GetServices<IMailSource>().Select(s => s.Protocol).Order());
    }
}
