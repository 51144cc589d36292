using System.Diagnostics.Metrics;

namespace Credo.Core.Listeners.Engine;

/// <summary>The <c>Credo.Listeners</c> meter: polls, messages, webhook deliveries.</summary>
internal sealed class ListenerMetrics
{
    private readonly Counter<long> _polls;
    private readonly Counter<long> _messages;
    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _throttleWaits;
    private readonly Counter<double> _throttleSeconds;

    public ListenerMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create("Credo.Listeners");
        _polls = meter.CreateCounter<long>("credo.listener.polls", "{poll}", "Listener polls, by result.");
        _messages = meter.CreateCounter<long>("credo.listener.messages", "{message}", "Mails recorded.");
        _deliveries = meter.CreateCounter<long>("credo.webhook.deliveries", "{attempt}", "Webhook delivery attempts, by result.");
        _throttleWaits = meter.CreateCounter<long>("credo.listener.retry.waits", "{wait}", "Mail-source requests that waited after throttling or a fault and were retried, by protocol.");
        _throttleSeconds = meter.CreateCounter<double>("credo.listener.retry.wait_time", "s", "Time spent waiting before retrying mail-source requests, by protocol.");
    }

    public void Polled(string result) => _polls.Add(1, new KeyValuePair<string, object?>("result", result));

    public void Recorded(int count) => _messages.Add(count);

    public void Throttled(MailProtocol protocol, int waits, TimeSpan waited)
    {
        var tag = new KeyValuePair<string, object?>("protocol", protocol.ToString());
        _throttleWaits.Add(waits, tag);
        _throttleSeconds.Add(waited.TotalSeconds, tag);
    }

    public void Delivery(string result) => _deliveries.Add(1, new KeyValuePair<string, object?>("result", result));
}
