using Credo.Ews.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Ews.Tests;

/// <summary>
/// Credo.Core adds Credo.Ews from AddCredoCore and again from AddCredoListeners, so registering it twice must
/// register the same as once.
/// </summary>
public sealed class EwsRegistrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Registered_twice_a_refused_token_is_renewed_and_retried_once_so_two_requests_reach_the_server()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return Task.CompletedTask;
        });
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCredoEws();
        services.AddCredoEws();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var tokens = new RenewingTokenSource();
        var mailbox = new EwsMailbox(server.Url("EWS/Exchange.asmx"), "finance@contoso.com", tokens);

        var result = await provider.GetRequiredService<IEwsClient>().GetFolderAsync(mailbox, EwsFolderId.Inbox, Ct);

        Assert.Equal(EwsErrorKind.Unauthorized, result.Error?.Kind);
        Assert.Equal("invalid_token", result.Error?.AuthenticateError);
        Assert.Equal(2, server.Requests);
        Assert.Equal(2, tokens.Issued);
    }

    [Fact]
    public void Registering_Credo_Ews_twice_registers_the_same_as_once()
    {
        var once = new ServiceCollection();
        once.AddCredoEws();
        var twice = new ServiceCollection();
        twice.AddCredoEws();
        twice.AddCredoEws();

        Assert.Equal(Shape(once), Shape(twice));
    }

    private static List<string> Shape(IServiceCollection services) =>
        [.. services.Select(d => $"{d.ServiceType} {d.Lifetime} {d.ServiceKey}")];
}
