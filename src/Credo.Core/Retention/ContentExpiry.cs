using System.Globalization;
using Credo.Core.Listeners;
using Credo.Core.Messages;

namespace Credo.Core.Retention;

/// <summary>What the console, API and CLI say about a mail whose content retention removed.</summary>
public static class ContentExpiry
{
    /// <summary>
    /// A sentence such as "The content of this mail was removed on 2026-12-31 after 30 days (Credo:Retention:MimeDays).", naming
    /// the setting that applies to <paramref name="listener"/> now.
    /// </summary>
    public static string Describe(ReceivedMessage message, EmailListener listener, RetentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(options);
        var removedOn = (message.ContentExpiredAt ?? message.RecordedAt).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var setting = listener.KeepContentDays is null
            ? $"{RetentionOptions.SectionName}:{nameof(RetentionOptions.MimeDays)}"
            : $"the listener's Keep mail content (days)";
        var days = options.MimeDaysFor(listener);

        // Kept forever now, but removed under an earlier setting: the number would be wrong, so it is left out.
        return days == 0
            ? $"The content of this mail was removed on {removedOn} by an earlier retention setting ({setting} now keeps it forever)."
            : $"The content of this mail was removed on {removedOn} after {days} days ({setting}).";
    }
}
