using System.Text.Encodings.Web;
using Credo.Core.Listeners;
using Credo.Core.Text;
using Credo.Core.Webhooks;
using Credo.Net.Text;
using Microsoft.AspNetCore.Html;

namespace Credo.Server.Pages;

/// <summary>The pieces every console page renders the same way: times, listener states, delivery states.</summary>
public static class ConsoleHtml
{
    /// <summary>Seconds after which a status page reloads itself (a <c>meta refresh</c>, so no script is needed).</summary>
    public const int RefreshSeconds = 10;

    /// <summary><c>&lt;time&gt;</c> reading "12 s ago", with the exact UTC time in <c>datetime</c> and <c>title</c>; <paramref name="none"/> without a time.</summary>
    public static IHtmlContent Time(DateTimeOffset? at, DateTimeOffset now, string none = "never")
    {
        if (at is not { } value)
        {
            return new HtmlString(HtmlEncoder.Default.Encode(none));
        }

        var exact = HtmlEncoder.Default.Encode(RelativeTime.Exact(value));
        return new HtmlString($"<time datetime=\"{RelativeTime.Iso(value)}\" title=\"{exact}\">{HtmlEncoder.Default.Encode(RelativeTime.From(value, now))}</time>");
    }

    /// <summary>
    /// Text that came from outside (a subject, a sender, a server's or receiver's answer) as <c>&lt;bdi&gt;</c>, so its
    /// direction cannot reorder what stands around it, with its control and direction characters removed
    /// (<see cref="DisplayText.Clean"/>), so it cannot reorder itself either; <paramref name="none"/> when it is empty.
    /// </summary>
    public static IHtmlContent Outside(string? text, string none = "")
    {
        var clean = DisplayText.Clean(text);
        return clean.Length == 0 ? new HtmlString(HtmlEncoder.Default.Encode(none)) : new HtmlString($"<bdi>{HtmlEncoder.Default.Encode(clean)}</bdi>");
    }

    /// <summary>The badge class of a listener status: red needs action, amber needs a look, green is fine.</summary>
    public static string BadgeClass(ListenerStatus status) => status switch
    {
        ListenerStatus.OK => "ok",
        ListenerStatus.Error or ListenerStatus.Stalled => "failed",
        ListenerStatus.Degraded => "warn",
        _ => "",
    };

    /// <summary>Problems first (most urgent first), then the rest; used to sort listener lists.</summary>
    public static int Urgency(ListenerStatus status) => status switch
    {
        ListenerStatus.Stalled => 0,
        ListenerStatus.Error => 1,
        ListenerStatus.Degraded => 2,
        ListenerStatus.NotPolledYet => 3,
        ListenerStatus.OK => 4,
        _ => 5,
    };

    /// <summary>The badge class of <see cref="WebhookDelivery.State"/>.</summary>
    public static string DeliveryBadgeClass(WebhookDelivery delivery) => delivery?.State switch
    {
        "Delivered" => "ok",
        "Retrying" => "warn",
        "Failed" => "failed",
        "Stopped" => "stopped",
        _ => "",
    };
}
