using System.Diagnostics;

namespace Credo.Core.Listeners.Engine;

/// <summary>
/// The activity sources of the engine: <c>Credo.Listeners</c> (a poll and its steps) and <c>Credo.Webhooks</c> (a
/// delivery). Attributes carry ids, protocols, counts and results only: never an address, a token or mail content.
/// </summary>
internal static class ListenerActivities
{
    public const string PollName = "credo.listener.poll";
    public const string TokenName = "credo.listener.token";
    public const string RecordName = "credo.listener.record";
    public const string AfterProcessingName = "credo.listener.after_processing";
    public const string DeliveryName = "credo.webhook.delivery";

    public static readonly ActivitySource Listeners = new("Credo.Listeners");

    public static readonly ActivitySource Webhooks = new("Credo.Webhooks");
}
