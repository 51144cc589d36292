using Credo.Core.Persistence;
using Credo.Core.Users;

namespace Credo.Server.Hosting;

/// <summary>
/// Before the server listens: applies pending migrations, and with no users creates <c>admin</c> with the password in
/// <c>CREDO_ADMIN_PASSWORD</c> or a generated one that is printed once and written to <c>DATA/initial-admin-password</c>.
/// First of all it logs the entries of the data folder whose permissions were narrowed to the owner's at start.
/// </summary>
internal sealed partial class DatabaseInitializer(IServiceScopeFactory scopes, DataFolder data, IConfiguration configuration, ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (path, from, to) in data.Narrowed)
        {
            PermissionsNarrowed(logger, path, Octal(from), Octal(to));
        }

        foreach (var (path, mode, reason) in data.NotNarrowed)
        {
            PermissionsNotNarrowed(logger, path, Octal(mode), reason);
        }

        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CredoDatabase>().MigrateAsync(cancellationToken);
        await EnsureFirstAdminAsync(scope.ServiceProvider, data, configuration, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(3110, LogLevel.Warning, "Narrowed the permissions of {Path} from {From} to {To}: the data folder holds mail, password hashes and the audit log, for its owner only")]
    private static partial void PermissionsNarrowed(ILogger logger, string path, string from, string to);

    [LoggerMessage(3111, LogLevel.Warning, "{Path} has permissions {Mode}, open to others than its owner, and could not be narrowed ({Reason}); make it 0600 (a folder 0700)")]
    private static partial void PermissionsNotNarrowed(ILogger logger, string path, string mode, string reason);

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    public static async Task EnsureFirstAdminAsync(IServiceProvider services, DataFolder data, IConfiguration configuration, CancellationToken cancellationToken)
    {
        var generated = await services.GetRequiredService<UserService>().EnsureFirstAdminAsync(
            configuration["CREDO_ADMIN_PASSWORD"], data.InitialAdminPasswordFile, cancellationToken);
        if (generated is not null)
        {
            await Console.Out.WriteLineAsync(
                $"Created the first administrator: user name '{UserService.FirstAdminName}', password '{generated}'.{Environment.NewLine}" +
                $"It is shown only now and kept in {data.InitialAdminPasswordFile} (readable by you only); change it after signing in.");
        }
    }
}
