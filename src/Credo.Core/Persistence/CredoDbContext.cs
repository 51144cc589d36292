using Credo.Core.ApiKeys;
using Credo.Core.Audit;
using Credo.Core.Credentials;
using Credo.Core.Users;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Credo.Core.Persistence;

/// <summary>
/// Credo's database. Each provider has its own subclass so that SQLite and PostgreSQL keep their own migrations
/// (<see cref="SqliteCredoDbContext"/>, <see cref="PostgreSqlCredoDbContext"/>); code uses this type.
/// </summary>
public abstract class CredoDbContext(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    /// <summary>Credentials.</summary>
    public DbSet<Credential> Credentials => Set<Credential>();

    /// <summary>Console users.</summary>
    public DbSet<User> Users => Set<User>();

    /// <summary>Console sessions.</summary>
    public DbSet<UserSession> UserSessions => Set<UserSession>();

    /// <summary>API keys.</summary>
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    /// <summary>Audit log.</summary>
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    /// <summary>Email Listeners.</summary>
    public DbSet<Listeners.EmailListener> EmailListeners => Set<Listeners.EmailListener>();

    /// <summary>Received messages.</summary>
    public DbSet<Messages.ReceivedMessage> ReceivedMessages => Set<Messages.ReceivedMessage>();

    /// <summary>Webhook deliveries (the outbox).</summary>
    public DbSet<Webhooks.WebhookDelivery> WebhookDeliveries => Set<Webhooks.WebhookDelivery>();

    /// <summary>Each attempt of each webhook delivery.</summary>
    public DbSet<Webhooks.DeliveryAttempt> DeliveryAttempts => Set<Webhooks.DeliveryAttempt>();

    /// <summary>The Data Protection key ring, when it is kept in the database (several nodes).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>The nodes that run listeners, by their last heartbeat.</summary>
    public DbSet<Listeners.Engine.ListenerNode> ListenerNodes => Set<Listeners.Engine.ListenerNode>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CredoDbContext).Assembly);
    }

    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);

        // SQLite cannot order or compare DateTimeOffset; UTC ticks sort and compare on both providers.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
    }
}

/// <summary>The SQLite flavour (default provider).</summary>
public sealed class SqliteCredoDbContext(DbContextOptions<SqliteCredoDbContext> options) : CredoDbContext(options);

/// <summary>The PostgreSQL flavour (several nodes).</summary>
public sealed class PostgreSqlCredoDbContext(DbContextOptions<PostgreSqlCredoDbContext> options) : CredoDbContext(options);
