using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Credo.Core.Webhooks;
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

        // The protocols' settings are one JSON value, by protocol and key: a protocol is a module, and adding one adds no
        // column. Only the chosen protocol's are used; the others keep what was typed in case the protocol is switched back.
        builder.Property(l => l.Settings).HasColumnName("ProtocolSettings").HasMaxLength(8000).IsRequired()
            .HasConversion(new ListenerSettingsConverter(), new ListenerSettingsComparer());
        builder.Property(l => l.Mailbox).HasMaxLength(320).IsRequired();
        builder.Property(l => l.Folder).HasMaxLength(1024).IsRequired();
        builder.HasOne<Credential>().WithMany().HasForeignKey(l => l.CredentialId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(l => l.FromContains).HasMaxLength(320);
        builder.Property(l => l.SubjectContains).HasMaxLength(500);
        builder.Property(l => l.AfterProcessing).HasConversion<string>().HasMaxLength(16);
        builder.Property(l => l.MoveToFolder).HasMaxLength(1024);
        builder.Property(l => l.WebhookUrl).HasMaxLength(2048);
        builder.Property(l => l.WebhookFormat).HasConversion<string>().HasMaxLength(16);
        builder.Property(l => l.Version).IsConcurrencyToken();
        builder.Property(l => l.LastError).HasMaxLength(2000);
        builder.Property(l => l.LastErrorHint).HasMaxLength(1000);
        builder.Property(l => l.LastErrorDetails).HasMaxLength(2000);
        builder.Property(l => l.LeaseOwner).HasMaxLength(200);
        builder.Property(l => l.PollActivity).HasMaxLength(500);
        builder.HasIndex(l => l.NextPollAt);
        builder.Property(l => l.PushSubscriptionId).HasMaxLength(200);
        builder.HasIndex(l => l.PushSubscriptionId);
        builder.Property(l => l.ProtectedPushClientState).HasMaxLength(1000);
        builder.Property(l => l.PushTarget).HasMaxLength(4000);
        builder.Property(l => l.PushError).HasMaxLength(1000);
    }
}
