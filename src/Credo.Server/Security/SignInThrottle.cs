using Microsoft.Extensions.Options;

namespace Credo.Server.Security;

/// <summary>
/// Counts failed console sign-ins per client address (see <see cref="ClientAddress.ThrottleKey"/>) in memory and makes an
/// address that fails too often wait, longer each time. An attempt is counted when it begins and forgiven when it
/// succeeds, so concurrent attempts from one address cannot slip past the limit.
/// </summary>
internal sealed class SignInThrottle(IOptions<SignInThrottleOptions> options, TimeProvider time, ILogger<SignInThrottle> logger)
{
    /// <summary>The longest an address waits.</summary>
    public static readonly TimeSpan MaxBlock = TimeSpan.FromHours(24);

    // An address is forgotten, with how often it was blocked, after a day without failures.
    private static readonly TimeSpan Memory = TimeSpan.FromHours(24);

    // Bounds memory under attempts from very many addresses; past it new addresses are not throttled, the per-user
    // lockout still holds.
    private const int MaxAddresses = 100_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _addresses = new(StringComparer.Ordinal);
    private DateTimeOffset _lastPrune;

    /// <summary>Begins an attempt from <paramref name="key"/>: <see langword="null"/> when it may go ahead (and counts as failed until <see cref="Succeeded"/>), or how long the address must wait.</summary>
    public TimeSpan? TryBegin(string key)
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        lock (_gate)
        {
            if (!_addresses.TryGetValue(key, out var entry))
            {
                if (_addresses.Count >= MaxAddresses && !Prune(now, settings))
                {
                    return null;
                }

                entry = new Entry { WindowStart = now };
                _addresses[key] = entry;
            }

            if (entry.BlockedUntil > now)
            {
                return entry.BlockedUntil - now;
            }

            if (now - entry.WindowStart >= settings.AddressWindow)
            {
                entry.Failures = 0;
                entry.WindowStart = now;
            }

            if (entry.Failures >= settings.MaxFailuresPerAddress)
            {
                return Block(key, entry, now, settings);
            }

            entry.Failures++;
            entry.LastFailure = now;
            return null;
        }
    }

    /// <summary>The attempt from <paramref name="key"/> failed; the address waits once it has used up its failures.</summary>
    public void Failed(string key)
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        lock (_gate)
        {
            if (_addresses.TryGetValue(key, out var entry) && entry.BlockedUntil <= now && entry.Failures >= settings.MaxFailuresPerAddress)
            {
                Block(key, entry, now, settings);
            }
        }
    }

    /// <summary>The attempt from <paramref name="key"/> succeeded: the address starts afresh.</summary>
    public void Succeeded(string key)
    {
        lock (_gate)
        {
            _addresses.Remove(key);
        }
    }

    private TimeSpan Block(string key, Entry entry, DateTimeOffset now, SignInThrottleOptions settings)
    {
        var length = TimeSpan.FromTicks(Math.Min(MaxBlock.Ticks, settings.AddressBlock.Ticks * (1L << Math.Min(entry.Blocks, 20))));
        entry.Blocks++;
        entry.BlockedUntil = now + length;
        entry.Failures = 0;
        entry.WindowStart = entry.BlockedUntil;
        entry.LastFailure = now;
        Log.AddressBlocked(logger, key, length);
        return length;
    }

    /// <summary>Forgets addresses that hold nothing worth keeping; whether there is room now.</summary>
    private bool Prune(DateTimeOffset now, SignInThrottleOptions settings)
    {
        // Scanning every entry for every new address would let a flood of addresses make each sign-in slow.
        if (now - _lastPrune < TimeSpan.FromMinutes(1))
        {
            return false;
        }

        _lastPrune = now;
        foreach (var (key, entry) in _addresses)
        {
            var idle = entry.BlockedUntil <= now &&
                (now - entry.LastFailure >= Memory || (entry.Blocks == 0 && now - entry.WindowStart >= settings.AddressWindow));
            if (idle)
            {
                _addresses.Remove(key);
            }
        }

        return _addresses.Count < MaxAddresses;
    }

    private sealed class Entry
    {
        public int Failures { get; set; }

        public DateTimeOffset WindowStart { get; set; }

        public DateTimeOffset LastFailure { get; set; }

        public DateTimeOffset BlockedUntil { get; set; }

        public int Blocks { get; set; }
    }
}
