using System.Diagnostics.Metrics;
using Credo.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Credo.Core.Credentials.Internal;

/// <summary>
/// Keeps the credentials' expiry dates at hand for the <c>credo.credential.expiry</c> gauge (a gauge is read without a
/// database round trip), and warns in the log once a day about each credential expiring within 30 days or expired.
/// </summary>
internal sealed class CredentialExpiryMonitor
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Credo.Credentials";

    /// <summary>The gauge's name.</summary>
    public const string GaugeName = "credo.credential.expiry";

    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly ILogger<CredentialExpiryMonitor> _logger;
    private readonly Dictionary<Guid, DateOnly> _warned = [];
    private readonly Lock _warnedLock = new();
    private volatile IReadOnlyList<Entry> _entries = [];

    public CredentialExpiryMonitor(IServiceScopeFactory scopes, IMeterFactory meterFactory, TimeProvider time, ILogger<CredentialExpiryMonitor> logger)
    {
        _scopes = scopes;
        _time = time;
        _logger = logger;
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge(GaugeName, Observe, "d",
            "Days until each credential's secret or certificate expires (negative or 0 once expired), by credential id; credentials without a known expiry are left out.");
    }

    /// <summary>Reads the expiry dates again and warns about those due a warning today.</summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        await using (var scope = _scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CredoDbContext>();
            _entries = await db.Credentials.AsNoTracking()
                .Where(c => c.SecretExpiresOn != null || c.CertificateNotAfter != null)
                .Select(c => new Entry(c.Id, c.Name, c.Type, c.SecretExpiresOn, c.CertificateNotAfter))
                .ToListAsync(cancellationToken);
        }

        var now = _time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        lock (_warnedLock)
        {
            foreach (var entry in _entries)
            {
                if (entry.Expiry(now) is { } expiry && (expiry.Soon || expiry.Expired)
                    && !(_warned.TryGetValue(entry.Id, out var last) && last == today))
                {
                    _warned[entry.Id] = today;
                    _logger.ExpiresSoon(entry.Name, entry.Id, expiry.IsCertificate ? "certificate" : "client secret", expiry.Text.ToLowerInvariant());
                }
            }
        }
    }

    private IEnumerable<Measurement<int>> Observe()
    {
        var now = _time.GetUtcNow();
        foreach (var entry in _entries)
        {
            if (entry.Expiry(now) is { } expiry)
            {
                yield return new Measurement<int>(expiry.DaysLeft, new KeyValuePair<string, object?>("credential.id", entry.Id.ToString()));
            }
        }
    }

    private sealed record Entry(Guid Id, string Name, CredentialType Type, DateOnly? SecretExpiresOn, DateTimeOffset? CertificateNotAfter)
    {
        public CredentialExpiry? Expiry(DateTimeOffset now) => CredentialExpiry.Of(Type, SecretExpiresOn, CertificateNotAfter, now);
    }
}
