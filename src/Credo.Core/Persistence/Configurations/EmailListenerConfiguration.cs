using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credo.Core.Persistence.Configurations;

internal sealed class EmailListenerConfiguration : IEntityTypeConfiguration<EmailListener>
{
    public void Configure(EntityTypeBuilder<EmailListener> builder)
    {
        builder.ToTable("email_listeners");
        builder.HasKey(l => l.Id);
        builder.Property(l => l.Name).HasMaxLength(100).IsRequired();
        builder.Property(l => l.NormalizedName).HasMaxLength(100).IsRequired();
        builder.HasIndex(l => l.NormalizedName).IsUnique();
        builder.Property(l => l.Protocol).HasConversion<string>().HasMaxLength(16).IsRequired();

        // Each protocol's settings are a value of their own, stored as columns of the listener; only the chosen
        // protocol's are used, the others keep what was typed in case the protocol is switched back.
        builder.ComplexProperty(l => l.Ews, ews => ews.Property(e => e.Url).HasColumnName("EwsUrl").HasMaxLength(2048));
        builder.ComplexProperty(l => l.Graph, graph => graph.Property(g => g.Url).HasColumnName("GraphUrl").HasMaxLength(2048));
        builder.ComplexProperty(l => l.Imap, imap =>
        {
            imap.Property(i => i.Host).HasColumnName("ImapHost").HasMaxLength(255);
            imap.Property(i => i.Port).HasColumnName("ImapPort");
            imap.Property(i => i.Security).HasColumnName("ImapSecurity").HasConversion<string>().HasMaxLength(16);
            imap.Property(i => i.UserName).HasColumnName("ImapUserName").HasMaxLength(320);
            imap.Property(i => i.Sasl).HasColumnName("ImapSasl").HasConversion<string>().HasMaxLength(16);
        });
        builder.Property(l => l.Mailbox).HasMaxLength(320).IsRequired();
        builder.Property(l => l.Folder).HasMaxLength(1024).IsRequired();
        builder.HasOne<Credential>().WithMany().HasForeignKey(l => l.CredentialId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(l => l.FromContains).HasMaxLength(320);
        builder.Property(l => l.SubjectContains).HasMaxLength(500);
        builder.Property(l => l.AfterProcessing).HasConversion<string>().HasMaxLength(16);
        builder.Property(l => l.MoveToFolder).HasMaxLength(1024);
        builder.Property(l => l.WebhookUrl).HasMaxLength(2048);
        builder.Property(l => l.Version).IsConcurrencyToken();
        builder.Property(l => l.LastError).HasMaxLength(2000);
        builder.Property(l => l.LastErrorHint).HasMaxLength(1000);
        builder.Property(l => l.LeaseOwner).HasMaxLength(200);
        builder.Property(l => l.PollActivity).HasMaxLength(500);
        builder.HasIndex(l => l.NextPollAt);
    }
}
