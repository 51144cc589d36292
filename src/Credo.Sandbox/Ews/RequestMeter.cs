using System.Runtime.InteropServices;

namespace Credo.Sandbox.Ews;

/// <summary>
/// Counts a mailbox's EWS and Graph requests and says which of them the steady fault rate falls on. Counting and numbering share
/// one small lock, so concurrent requests get distinct numbers and exactly one in N is faulted; it is held for a few
/// increments, never while answering, and is separate from the mailbox's lock so a long sync does not delay it.
/// </summary>
internal sealed class RequestMeter
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _byOperation = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _byProtocol = new(StringComparer.Ordinal);
    private int _total;
    private int _faulted;
    private SandboxFaultRate? _rate;
    private SandboxFault? _rateFault;
    private int _sinceLastRateFault;

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
            };
        }
    }

    /// <summary>Sets the counts to zero; the rate's numbering goes on, so resetting between runs does not shift it.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _total = 0;
            _faulted = 0;
            _byOperation.Clear();
            _byProtocol.Clear();
        }
    }
}
