using Credo.Core.Listeners;
using Credo.Core.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credo.Core.Persistence.Configurations;

internal sealed class ReceivedMessageConfiguration : IEntityTypeConfiguration<ReceivedMessage>
{
    public void Configure(EntityTypeBuilder<ReceivedMessage> builder)
    {
        builder.ToTable("received_messages");
        builder.HasKey(m => m.Id);
        builder.HasOne<EmailListener>().WithMany().HasForeignKey(m => m.ListenerId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(m => m.DedupeKey).HasMaxLength(1000).IsRequired();
        builder.HasIndex(m => new { m.ListenerId, m.DedupeKey }).IsUnique();
        builder.HasIndex(m => new { m.ListenerId, m.RecordedAt });

        // Retention looks for mail whose content is still there, oldest first; the same filter text works on both providers.
        builder.HasIndex(m => new { m.ListenerId, m.RecordedAt }, "IX_received_messages_content_kept").HasFilter("\"ContentExpiredAt\" IS NULL");
        builder.Ignore(m => m.ContentExpired);
        builder.Property(m => m.ItemId).HasMaxLength(1000).IsRequired();
        builder.Property(m => m.InternetMessageId).HasMaxLength(1000);
        builder.Property(m => m.From).HasMaxLength(1000);
        builder.Property(m => m.Subject).HasMaxLength(2000);

        // On SQLite, triggers on this table keep the search index (migration MessageSearchIndex): a migration that makes EF
        // rebuild the table drops them, and must create them again (a test checks they exist).
        builder.Property(m => m.BodyPreview).HasMaxLength(500);
    }
}
