using System.Diagnostics.Metrics;

namespace Credo.OAuth.Internal;

/// <summary>The instruments of the <c>Credo.OAuth</c> meter.</summary>
internal sealed class OAuthMetrics
{
    public const string MeterName = "Credo.OAuth";

    private readonly Counter<long> _tokenRequests;
    private readonly Histogram<double> _tokenRequestDuration;
    private readonly Counter<long> _cacheHits;
    private readonly Counter<long> _cacheWaits;

    public OAuthMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _tokenRequests = meter.CreateCounter<long>("credo.oauth.token.requests", "{request}", "Token requests sent, by result.");
        _tokenRequestDuration = meter.CreateHistogram<double>(
            "credo.oauth.token.request.duration",
            "s",
            "Duration of token requests.",
            tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] });
        _cacheHits = meter.CreateCounter<long>("credo.oauth.token_cache.hits", "{call}", "Token cache calls answered from the cache without waiting.");
        _cacheWaits = meter.CreateCounter<long>("credo.oauth.token_cache.waits", "{call}", "Token cache calls that waited for a token request in flight.");
    }

    public void TokenRequested(string result, TimeSpan duration)
    {
        var tag = new KeyValuePair<string, object?>("result", result);
        _tokenRequests.Add(1, tag);
        _tokenRequestDuration.Record(duration.TotalSeconds, tag);
    }

    public void CacheHit() => _cacheHits.Add(1);

    public void CacheWait() => _cacheWaits.Add(1);
}
