using Credo.Core.Persistence;
using Credo.Core.Users;

namespace Credo.Server.Hosting;

/// <summary>
/// Before the server listens: applies pending migrations, and with no users creates <c>admin</c> with the password in
/// <c>CREDO_ADMIN_PASSWORD</c> or a generated one that is printed once and written to <c>DATA/initial-admin-password</c>.
/// </summary>
internal sealed class DatabaseInitializer(IServiceScopeFactory scopes, DataFolder data, IConfiguration configuration) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CredoDatabase>().MigrateAsync(cancellationToken);
        await EnsureFirstAdminAsync(scope.ServiceProvider, data, configuration, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

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
