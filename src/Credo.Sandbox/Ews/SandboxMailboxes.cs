using System.Collections.Concurrent;
using System.Globalization;
using MimeKit;

namespace Credo.Sandbox.Ews;

/// <summary>The sandbox's mailboxes, by SMTP address (any case), and a generator of sample mail.</summary>
public sealed class SandboxMailboxes(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, SandboxMailbox> _mailboxes = new(StringComparer.OrdinalIgnoreCase);
    private int _generated;

    internal SyncStateCodec SyncStates { get; } = new();

    /// <summary>Where every mailbox reports the changes it logs.</summary>
    internal MailboxChangeFeed Changes { get; } = new();

    /// <summary>
    /// The fault rate a mailbox starts with when <see cref="Create"/> makes it, or <see langword="null"/>; mailboxes
    /// that exist already keep theirs.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><c>OneIn</c> is negative.</exception>
    public SandboxFaultRate? DefaultFaultRate
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value?.OneIn ?? 0, nameof(value));
            field = value;
        }
    }

    /// <summary>Creates (or returns) the mailbox <paramref name="address"/>.</summary>
    public SandboxMailbox Create(string address) => _mailboxes.GetOrAdd(address.Trim(), a =>
    {
        var mailbox = new SandboxMailbox(a, time, Changes);
        mailbox.SetFaultRate(DefaultFaultRate);
        return mailbox;
    });

    /// <summary>The mailbox, or <see langword="null"/>.</summary>
    public SandboxMailbox? Find(string address) => _mailboxes.GetValueOrDefault(address.Trim());

    /// <summary>The mailbox with the SMTP address or the user id (<see cref="SandboxMailbox.UserId"/>), as Graph paths name a user.</summary>
    internal SandboxMailbox? FindUser(string addressOrId) =>
        Find(addressOrId) ?? (Guid.TryParse(addressOrId, out var id)
            ? _mailboxes.Values.FirstOrDefault(m => string.Equals(m.UserId, id.ToString(), StringComparison.Ordinal))
            : null);

    /// <summary>All mailboxes.</summary>
    public IReadOnlyList<SandboxMailbox> All => [.. _mailboxes.Values];

    /// <summary>
    /// Generates a sample mail to <paramref name="to"/>: a subject and text, optionally an attachment of
    /// <paramref name="attachmentBytes"/> bytes and optionally without a <c>Message-ID</c>.
    /// </summary>
    public byte[] Generate(string to, int attachmentBytes = 0, bool withoutMessageId = false, string? subject = null)
    {
        var n = Interlocked.Increment(ref _generated);
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress($"Sender {n % 7}", $"sender{n % 7}@example.com"));
        message.To.Add(MailboxAddress.Parse(to));
        if (n % 3 == 0)
        {
            message.Cc.Add(new MailboxAddress("Accounts", "accounts@example.com"));
        }

        message.Subject = subject ?? $"Sample message {n.ToString(CultureInfo.InvariantCulture)}";
        message.Date = time.GetUtcNow();
        var body = new TextPart("plain") { Text = $"Hello,\n\nthis is sample message {n} from the Credo sandbox.\n" };
        if (attachmentBytes > 0)
        {
            var data = new byte[attachmentBytes];
            Random.Shared.NextBytes(data);
            var attachment = new MimePart("application", "octet-stream")
            {
                Content = new MimeContent(new MemoryStream(data)),
                ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                ContentTransferEncoding = ContentEncoding.Base64,
                FileName = $"attachment-{n}.bin",
            };
            message.Body = new Multipart("mixed") { body, attachment };
        }
        else
        {
            message.Body = body;
        }

        if (withoutMessageId)
        {
            message.Headers.Remove(HeaderId.MessageId);
        }
        else
        {
            message.MessageId = $"sample-{n}-{Guid.NewGuid():N}@sandbox.test";
        }

        using var stream = new MemoryStream();
        message.WriteTo(stream);
        return stream.ToArray();
    }
}
