using Credo.Core.Listeners;

namespace Credo.Core.Retention;

/// <summary>
/// How long Credo keeps what it records, bound from <c>Credo:Retention</c>. A period of 0 days keeps forever. Pending webhook
/// deliveries are never removed, nor a record whose delivery is pending.
/// </summary>
public sealed class RetentionOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Credo:Retention";

    /// <summary>
    /// Days the full MIME of a mail is kept after it was recorded; then it is removed and the record's metadata (subject, from,
    /// size, attachments list, preview) stays. A listener's <see cref="EmailListener.KeepContentDays"/> overrides it. Default 30; 0 keeps it forever.
    /// </summary>
    public int MimeDays { get; set; } = 30;

    /// <summary>Days a received-message record is kept after it was recorded, with its delivery history. Default 365; 0 keeps it forever.</summary>
    public int RecordDays { get; set; } = 365;

    /// <summary>
    /// Days the history of a finished webhook delivery (Delivered, and also Stopped or Failed) is kept after its last attempt.
    /// Default 90; 0 keeps it forever.
    /// </summary>
    public int DeliveredWebhookDays { get; set; } = 90;

    /// <summary>How often the purge runs. Default 10 minutes.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long after start the first purge runs. Default 1 minute, so that start-up is not slowed by it.</summary>
    public TimeSpan FirstRunDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Rows changed or removed in one short transaction. Default 500.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>
    /// SQLite: database pages given back to the file system in one step after a purge (<c>PRAGMA incremental_vacuum</c>). Default 1024
    /// (4 MiB of 4 KiB pages); each step is a short write, so the engine's writes interleave.
    /// </summary>
    public int VacuumPagesPerStep { get; set; } = 1024;

    /// <summary>The messages of the settings that are out of range; empty when all are valid.</summary>
    public IReadOnlyList<string> Errors()
    {
        var errors = new List<string>();
        void Days(string name, int value)
        {
            if (value is < 0 or > ListenerRules.MaxRetentionDays)
            {
                errors.Add($"{SectionName}:{name} is {value}; use a number of days from 1 to {ListenerRules.MaxRetentionDays}, or 0 to keep forever.");
            }
        }

        Days(nameof(MimeDays), MimeDays);
        Days(nameof(RecordDays), RecordDays);
        Days(nameof(DeliveredWebhookDays), DeliveredWebhookDays);
        if (Interval < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{SectionName}:{nameof(Interval)} is {Interval}; use at least 00:00:01 (default 00:10:00).");
        }

        if (FirstRunDelay < TimeSpan.Zero)
        {
            errors.Add($"{SectionName}:{nameof(FirstRunDelay)} is {FirstRunDelay}; use 00:00:00 or more (default 00:01:00).");
        }

        if (BatchSize is < 1 or > 10_000)
        {
            errors.Add($"{SectionName}:{nameof(BatchSize)} is {BatchSize}; use 1 to 10000 (default 500).");
        }

        if (VacuumPagesPerStep < 1)
        {
            errors.Add($"{SectionName}:{nameof(VacuumPagesPerStep)} is {VacuumPagesPerStep}; use 1 or more (default 1024).");
        }

        return errors;
    }

    /// <summary>Days the MIME of <paramref name="listener"/>'s mail is kept: its own setting, else <see cref="MimeDays"/>; 0 is forever.</summary>
    public int MimeDaysFor(EmailListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        return listener.KeepContentDays ?? MimeDays;
    }
}
