using System.CommandLine;
using Credo.Core.Persistence;

namespace Credo.Server.Cli;

/// <summary><c>credo migrate</c>: apply pending database migrations, and nothing else.</summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var command = new Command("migrate", "Apply pending database migrations (every command that opens the database does this first).");
        command.SetAction((parse, cancellationToken) => DataCommand.RunAsync(parse, "migrate", async services =>
        {
            // DataCommand has migrated already; report what the database is at.
            var db = services.GetRequiredService<CredoDbContext>();
            var applied = await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetAppliedMigrationsAsync(db.Database, cancellationToken);
            await Console.Out.WriteLineAsync($"Database is up to date ({applied.Count()} migration(s) applied).");
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
