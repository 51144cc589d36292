using System.Text;
using Credo.Core.Users;
using Credo.Sandbox;
using Credo.Server.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Credo.Server.Cli;

/// <summary>What <c>credo serve</c> prints once it listens: where the console is, who signs in, and with <c>--demo</c> how to try the sandbox.</summary>
internal static class StartBanner
{
    /// <summary>The banner's first line; a test that expects the server not to start looks for it.</summary>
    public const string Title = "Credo is running.";

    /// <summary>The label of the line with the console's address.</summary>
    public const string ConsoleLabel = "Console";

    /// <summary>The label of the line with the demo sandbox's token endpoint.</summary>
    public const string TokenEndpointLabel = "Token endpoint";

    /// <summary>How <c>credo</c> runs from a checkout, for the token line the banner prints.</summary>
    public const string FromCheckout = "dotnet run --project src/Credo.Server --";

    private static readonly string Rule = new('─', 78);

    public static string Describe(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var text = new StringBuilder()
            .AppendLine(Rule)
            .AppendLine($"  {Title} Sign in to the console:")
            .AppendLine(Line(ConsoleLabel, string.Join("  ", addresses)))
            .AppendLine(Line("User", UserService.FirstAdminName))
            .AppendLine(Line("Password", Password(app.Services.GetRequiredService<DataFolder>(), app.Configuration)));
        if (app.Services.GetService<DemoSandboxService>() is { Sandbox: { } sandbox, Client: { } client })
        {
            text.AppendLine()
                .AppendLine($"  Demo: a sample mail arrives every 20 s in \"{DemoSandboxService.ListenerName}\" and \"{DemoSandboxService.GraphListenerName}\";")
                .AppendLine("  open Email Listeners in the console and watch it come in.")
                .AppendLine(Line("Sandbox", $"{sandbox.BaseAddress} (a page of its endpoints, clients and mailboxes)"))
                .AppendLine(Line(TokenEndpointLabel, sandbox.TokenEndpoint.ToString()))
                .AppendLine(Line("EWS URL", sandbox.EwsEndpoint.ToString()))
                .AppendLine(Line("Graph URL", sandbox.GraphEndpoint.ToString()))
                .AppendLine(Line("Mailboxes", $"{SandboxOptions.DemoMailbox} (EWS), {DemoSandboxService.GraphMailbox} (Graph)"))
                .AppendLine($"  Get a token from it ('credo' is '{FromCheckout}' in a checkout):")
                .AppendLine($"  echo '{client.ClientSecret}' | credo token --token-endpoint {sandbox.TokenEndpoint} --client-id {client.ClientId} --client-secret-stdin --scope \"{SandboxClient.ExchangeOnlineScope}\"");
        }

        return text.AppendLine(Rule).ToString();
    }

    private static string Line(string label, string value) => $"    {label,-15} {value}";

    private static string Password(DataFolder data, IConfiguration configuration) =>
        File.Exists(data.InitialAdminPasswordFile) ? $"in {data.InitialAdminPasswordFile}"
        : !string.IsNullOrEmpty(configuration["CREDO_ADMIN_PASSWORD"]) ? "from CREDO_ADMIN_PASSWORD"
        : $"the one set for it ('credo users reset-password --name {UserService.FirstAdminName}' sets a new one)";
}
