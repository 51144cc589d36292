using System.CommandLine;
using Credo.Core.Persistence;
using Credo.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Credo.Server.Cli;

/// <summary>
/// What every command that opens the database shares: <c>--data</c>, the same configuration as the server, pending
/// migrations applied first, one scope for the command, and the actor <c>cli:USER</c> for the audit log.
/// </summary>
internal static class DataCommand
{
    public static readonly Option<string?> DataOption = new("--data") { Description = "Data folder (default: CREDO_DATA, else ./data).", Recursive = true };

    public static string Actor => "cli:" + Environment.UserName;

    /// <summary>Runs <paramref name="action"/> in a scope over the migrated database; settings errors exit 2.</summary>
    public static async Task<int> RunAsync(ParseResult parse, string command, Func<IServiceProvider, Task<int>> action, CancellationToken cancellationToken)
    {
        ServiceProvider services;
        try
        {
            services = CliServices.Build(DataFolder.Resolve(parse.GetValue(DataOption)));
        }
        catch (Exception e) when (e is OptionsValidationException or InvalidOperationException)
        {
            return await CommandOutput.BadInputAsync(command, e is OptionsValidationException o ? o.Failures : [e.Message]);
        }

        await using (services)
        {
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<CredoDatabase>().MigrateAsync(cancellationToken);
            return await action(scope.ServiceProvider);
        }
    }
}
