using Credo.Core.Persistence;
using Credo.Net.Outbound;
using Credo.OAuth;
using Microsoft.AspNetCore.DataProtection;

namespace Credo.Server.Hosting;

internal static class CredoServiceCollectionExtensions
{
    /// <summary>
    /// The services every command shares, with their settings bound from configuration: the database of
    /// <c>Credo:Database:Provider</c> and <c>ConnectionStrings:Credo</c>, and the Data Protection key ring in
    /// <c>DATA/keys</c> (SQLite, one node) or in the database (PostgreSQL, several nodes).
    /// </summary>
    public static IServiceCollection AddCredo(this IServiceCollection services, IConfiguration configuration, DataFolder data)
    {
        services.AddSingleton(data);
        var database = DatabaseSettings(configuration, data);
        services.AddCredoCore(database);
        services.AddOptions<Core.Secrets.SecretSourceOptions>().Bind(configuration.GetSection(Core.Secrets.SecretSourceOptions.SectionName));
        services.AddCredoOAuthSettings(configuration);

        var protection = services.AddDataProtection().SetApplicationName("Credo");
        if (database.Provider == DatabaseProvider.PostgreSql)
        {
            protection.PersistKeysToDbContext<Core.Persistence.CredoDbContext>();
        }
        else
        {
            protection.PersistKeysToFileSystem(new DirectoryInfo(data.KeysFolder));
        }

        return services;
    }

    /// <summary>Credo.OAuth with <c>Credo:Tokens</c> and <c>Credo:Outbound</c> bound from configuration; what commands without a database need.</summary>
    public static IServiceCollection AddCredoOAuthSettings(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCredoOAuth();
        services.AddOptions<TokenClientOptions>().Bind(configuration.GetSection(TokenClientOptions.SectionName));
        services.AddOptions<OutboundOptions>().Bind(configuration.GetSection(OutboundOptions.SectionName));
        return services;
    }

    /// <summary>
    /// <c>Credo:ForwardedHeaders</c>, checked; when enabled, ASP.NET Core's forwarded-headers options believe
    /// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> from loopback and the configured proxies.
    /// </summary>
    public static ForwardedHeadersSettings AddCredoForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(ForwardedHeadersSettings.SectionName).Get<ForwardedHeadersSettings>() ?? new ForwardedHeadersSettings();
        if (settings.Error() is { } error)
        {
            throw new InvalidOperationException(error);
        }

        if (settings.Enabled)
        {
            services.Configure<ForwardedHeadersOptions>(settings.ApplyTo);
        }

        return settings;
    }

    private static DatabaseOptions DatabaseSettings(IConfiguration configuration, DataFolder data)
    {
        var provider = configuration[$"{DatabaseOptions.SectionName}:Provider"];
        var options = new DatabaseOptions
        {
            Provider = string.IsNullOrWhiteSpace(provider) ? DatabaseProvider.Sqlite
                : Enum.TryParse<DatabaseProvider>(provider, ignoreCase: true, out var parsed) ? parsed
                : throw new InvalidOperationException($"Credo:Database:Provider is \"{provider}\"; use Sqlite (default) or PostgreSql."),
            ConnectionString = configuration.GetConnectionString("Credo") ?? "",
        };
        if (string.IsNullOrWhiteSpace(options.ConnectionString) && options.Provider == DatabaseProvider.Sqlite)
        {
            options.ConnectionString = $"Data Source={data.DatabaseFile}";
        }

        return options;
    }
}
