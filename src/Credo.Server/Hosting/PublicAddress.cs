using Credo.Core.Listeners.Sources;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Credo.Server.Hosting;

/// <summary>
/// <c>Credo:PublicUrl</c>, the address at which Microsoft Graph reaches Credo's <c>/hooks/graph</c>: read and checked at start
/// (a wrong one stops the server with what to fix). The demo, without one, uses its own loopback address once it listens,
/// so that its Graph twin shows push against the sandbox.
/// </summary>
internal static class PublicAddress
{
    /// <summary>
    /// Binds <see cref="PushOptions"/>; what is wrong with the configured address, or null. <paramref name="pushing"/> says
    /// whether Graph may be told to post here (an address is configured, or this is the demo).
    /// </summary>
    public static string? Configure(IServiceCollection services, IConfiguration configuration, bool demo, out bool pushing)
    {
        Uri? url = null;
        pushing = demo;
        if (configuration[PushOptions.Key] is { Length: > 0 } text)
        {
            if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out url))
            {
                return $"{PushOptions.Key} is \"{text}\", which is not an absolute address; give the https address at which Microsoft Graph reaches Credo, such as https://credo.example.com.";
            }

            if (PushOptions.Problem(url) is { } problem)
            {
                return problem;
            }

            pushing = true;
        }

        services.AddOptions<PushOptions>().Configure<IServer>((options, server) =>
        {
            // Read when first asked for, which for the demo's own address is once it listens (see UseOwnAddressWhenStarted).
            options.PublicUrl = url ?? (demo ? OwnAddress(server) : null);
        });
        return null;
    }

    /// <summary>For the demo: forgets the options read before the server listened, so that its own address is taken.</summary>
    public static void UseOwnAddressWhenStarted(WebApplication app) =>
        app.Lifetime.ApplicationStarted.Register(() => app.Services.GetRequiredService<IOptionsMonitorCache<PushOptions>>().TryRemove(Options.DefaultName));

    private static Uri? OwnAddress(IServer server) =>
        server.Features.Get<IServerAddressesFeature>()?.Addresses.Select(a => new Uri(a)).FirstOrDefault(a => a.IsLoopback && a.Port != 0);
}
