using Credo.Core.Persistence;
using Credo.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Credo.Core.Listeners.Engine;

/// <summary>
/// On PostgreSQL, listens to <c>credo_wake</c> on a connection of its own, held while the node runs, and hands each
/// wake-up to <see cref="ListenerWakes"/>, so that a notification received by another node is acted on here at once. A
/// lost connection is logged and opened again after a back-off (1 s doubling to 30 s); once back, the engine looks for due
/// listeners at once, for the wake-ups missed meanwhile (its tick would find them too). Does nothing on SQLite.
/// </summary>
internal sealed class WakeListener(IServiceScopeFactory scopes, ListenerWakes wakes, TimeProvider time, ILogger<WakeListener> logger) : BackgroundService
{
    // A connection idle this long is checked with a query: a peer that vanished without closing would otherwise go unseen.
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string connectionString;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CredoDbContext>();
            if (!db.Database.IsNpgsql())
            {
                return;
            }

            // Not from the pool: this connection is held for good, and LISTEN belongs to it.
            connectionString = new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString()) { Pooling = false, ApplicationName = "credo-wake" }.ConnectionString;
        }

        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                connection.Notification += (_, e) => wakes.Received(e.Payload);
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {ListenerWakes.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                if (failures > 0)
                {
                    Log.WakeListening(logger);
                    failures = 0;
                    wakes.Wake();
                }

                while (true)
                {
                    if (!await connection.WaitAsync(Idle, stoppingToken))
                    {
                        await using var check = new NpgsqlCommand("SELECT 1", connection);
                        await check.ExecuteScalarAsync(stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures++;
                var wait = Backoff.Delay(failures, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), null);
                Log.WakeConnectionLost(logger, wait, e);
                try
                {
                    await Task.Delay(wait, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
