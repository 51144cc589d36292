using Credo.Core.Messages;
using Credo.Core.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credo.Core.Persistence.Configurations;

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.ToTable("webhook_deliveries");
        builder.HasKey(d => d.Id);
        builder.HasOne<ReceivedMessage>().WithMany().HasForeignKey(d => d.MessageId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(d => d.MessageId).IsUnique();
        builder.HasIndex(d => new { d.Status, d.NextAttemptAt });
        builder.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(d => d.LastError).HasMaxLength(2000);
        builder.Property(d => d.LastAnswer).HasMaxLength(WebhookAnswer.MaxLength);
    }
}
