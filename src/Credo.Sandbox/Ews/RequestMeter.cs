using System.Runtime.InteropServices;

namespace Credo.Sandbox.Ews;

/// <summary>
/// Counts a mailbox's EWS and Graph requests and says which of them the steady fault rate falls on. Counting and numbering share
/// one small lock, so concurrent requests get distinct numbers and exactly one in N is faulted; it is held for a few
/// increments, never while answering, and is separate from the mailbox's lock so a long sync does not delay it.
/// It also keeps the most EWS requests in flight at once and the shortest time between two <c>SyncFolderItems</c>, which
/// tell whether two pollers worked on the mailbox at the same time (see the README, "Several nodes").
/// </summary>
internal sealed class RequestMeter(TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _byOperation = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _byProtocol = new(StringComparer.Ordinal);
    private int _total;
    private int _faulted;
    private SandboxFaultRate? _rate;
    private SandboxFault? _rateFault;
    private int _sinceLastRateFault;
    private int _inFlight;
    private int _maxInFlight;
    private long? _lastSyncAt;
    private TimeSpan? _shortestSyncGap;

    public SandboxFaultRate? Rate
    {
        get
        {
            lock (_gate)
            {
                return _rate;
            }
        }
    }

    /// <summary>Sets the steady rate (off for <see langword="null"/> or <c>OneIn</c> 0) and starts its numbering anew.</summary>
    public void SetRate(SandboxFaultRate? rate)
    {
        var on = rate is { OneIn: > 0 } ? rate : null;
        // Built once here rather than per faulted request: the request path stays allocation-free.
        var fault = on is null ? null : new SandboxFault(on.Kind, 1, on.BackOffMilliseconds, on.DelayMilliseconds, on.RetryAfterSeconds);
        lock (_gate)
        {
            _rate = on;
            _rateFault = fault;
            _sinceLastRateFault = 0;
        }
    }

    /// <summary>Counts a request of <paramref name="operation"/>; returns the steady fault when the rate falls on it.</summary>
    public SandboxFault? Arrive(string operation, string protocol)
    {
        lock (_gate)
        {
            _total++;
            CollectionsMarshal.GetValueRefOrAddDefault(_byOperation, operation, out _)++;
            CollectionsMarshal.GetValueRefOrAddDefault(_byProtocol, protocol, out _)++;
            if (_rate is null || ++_sinceLastRateFault < _rate.OneIn)
            {
                return null;
            }

            _sinceLastRateFault = 0;
            return _rateFault;
        }
    }

    /// <summary>Counts a request as received, without giving it a number in the rate.</summary>
    public void CountOutsideFaults(string operation, string protocol)
    {
        lock (_gate)
        {
            _total++;
            CollectionsMarshal.GetValueRefOrAddDefault(_byOperation, operation, out _)++;
            CollectionsMarshal.GetValueRefOrAddDefault(_byProtocol, protocol, out _)++;
        }
    }

    /// <summary>Counts a request as received and faulted, without giving it a number in the rate.</summary>
    public void CountRefused(string operation, string protocol)
    {
        lock (_gate)
        {
            _total++;
            _faulted++;
            CollectionsMarshal.GetValueRefOrAddDefault(_byOperation, operation, out _)++;
            CollectionsMarshal.GetValueRefOrAddDefault(_byProtocol, protocol, out _)++;
        }
    }

    /// <summary>Counts an EWS request of <paramref name="operation"/> as in flight until <see cref="Leave"/>.</summary>
    public void Enter(string operation)
    {
        var sync = operation == "SyncFolderItems";
        var now = sync ? time.GetTimestamp() : 0;
        lock (_gate)
        {
            _maxInFlight = Math.Max(_maxInFlight, ++_inFlight);
            if (sync)
            {
                if (_lastSyncAt is { } last && time.GetElapsedTime(last, now) is var gap && (_shortestSyncGap is null || gap < _shortestSyncGap))
                {
                    _shortestSyncGap = gap;
                }

                _lastSyncAt = now;
            }
        }
    }

    /// <summary>Ends what <see cref="Enter"/> began, once the request is answered.</summary>
    public void Leave()
    {
        lock (_gate)
        {
            _inFlight--;
        }
    }

    public void CountFaulted()
    {
        lock (_gate)
        {
            _faulted++;
        }
    }

    public SandboxRequestCounts Snapshot()
    {
        lock (_gate)
        {
            return new SandboxRequestCounts(_total, _faulted, new Dictionary<string, int>(_byOperation, StringComparer.Ordinal))
            {
                ByProtocol = new Dictionary<string, int>(_byProtocol, StringComparer.Ordinal),
                MaxInFlight = _maxInFlight,
                ShortestSyncGapMilliseconds = _shortestSyncGap?.TotalMilliseconds,
            };
        }
    }

    /// <summary>
    /// Sets the counts to zero, the most in flight to those in flight now, and forgets the last <c>SyncFolderItems</c>; the
    /// rate's numbering goes on, so resetting between runs does not shift it.
    /// </summary>
    public void Reset()
    {
        lock (_gate)
        {
            _maxInFlight = _inFlight;
            _lastSyncAt = null;
            _shortestSyncGap = null;
            _total = 0;
            _faulted = 0;
            _byOperation.Clear();
            _byProtocol.Clear();
        }
    }
}
