using Credo.Core.ApiKeys;
using Credo.Core.Audit;
using Credo.Core.Credentials;
using Credo.Core.Listeners.Sources;
using Credo.Core.Persistence;
using Credo.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Credo.Core.</summary>
public static class CoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers the database for <paramref name="database"/> and the services over it. Data Protection must be
    /// configured by the host (where the key ring lives depends on the deployment).
    /// </summary>
    public static IServiceCollection AddCredoCore(this IServiceCollection services, DatabaseOptions database)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(database);
        if (string.IsNullOrWhiteSpace(database.ConnectionString))
        {
            throw new InvalidOperationException("ConnectionStrings:Credo is empty; set it, or leave Credo:Database:Provider at Sqlite to use DATA/credo.db.");
        }

        services.AddCredoOAuth();
        services.TryAddSingleton(TimeProvider.System);
        // A list in a query (ids.Contains(x)) goes as one array parameter, so its SQL is generated once and cached;
        // as one parameter per element the SQL would be built again for every call.
        switch (database.Provider)
        {
            case DatabaseProvider.Sqlite:
                services.AddDbContextPool<CredoDbContext, SqliteCredoDbContext>(o => o.UseSqlite(
                    database.ConnectionString, sqlite => sqlite.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter)));
                break;
            case DatabaseProvider.PostgreSql:
                services.AddDbContextPool<CredoDbContext, PostgreSqlCredoDbContext>(o => o.UseNpgsql(
                    database.ConnectionString, npgsql => npgsql.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter)));
                break;
            default:
                throw new InvalidOperationException($"Credo:Database:Provider is {database.Provider}; use Sqlite or PostgreSql.");
        }

        services.TryAddSingleton<SecretProtector>();
        services.AddOptions<Credo.Core.Secrets.SecretSourceOptions>();
        services.TryAddSingleton(sp =>
        {
            var guard = sp.GetRequiredService<Credo.Net.Outbound.OutboundGuard>();
            var time = sp.GetRequiredService<TimeProvider>();
            return new Credo.Core.Secrets.SecretSources(
                sp.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<Credo.Core.Secrets.SecretSourceOptions>>(),
                new Credo.Core.Secrets.VaultSecretReader(guard, time),
                new Credo.Core.Secrets.KeyVaultSecretReader(guard),
                time);
        });
        services.TryAddScoped<AuditLog>();
        services.TryAddScoped<CredoDatabase>();
        services.TryAddScoped<CredentialStore>();
        services.TryAddScoped<CredentialSecrets>();
        services.TryAddScoped<CredentialValidator>();
        services.TryAddSingleton<Credo.Core.Credentials.Internal.CredentialExpiryMonitor>();
        services.TryAddSingleton<ValidationStamp>();
        services.TryAddScoped<Credo.Core.Users.UserService>();
        services.TryAddScoped<ApiKeyService>();
        services.TryAddScoped<Credo.Core.Listeners.ListenerService>();
        services.TryAddSingleton<Credo.Core.Listeners.PushEndings>();
        services.TryAddSingleton<Credo.Core.Listeners.Engine.ListenerWakes>();
        services.TryAddScoped<Credo.Core.Messages.MessageService>();
        services.TryAddScoped<Credo.Core.Webhooks.DeliveryService>();
        services.TryAddScoped<Credo.Core.Listeners.ConnectionTest>();
        foreach (var protocol in MailProtocols.All)
        {
            protocol.Register(services);
        }

        services.TryAddSingleton<MailSources>();
        return services;
    }

    /// <summary>Adds the daily check that warns of client secrets and certificates about to expire (a hosted service).</summary>
    public static IServiceCollection AddCredoExpiryWatch(this IServiceCollection services) =>
        services.AddHostedService<Credo.Core.Credentials.Internal.CredentialExpiryWatch>();
}
