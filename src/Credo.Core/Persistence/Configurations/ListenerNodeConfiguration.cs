using Credo.Core.Listeners.Engine;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credo.Core.Persistence.Configurations;

internal sealed class ListenerNodeConfiguration : IEntityTypeConfiguration<ListenerNode>
{
    public void Configure(EntityTypeBuilder<ListenerNode> builder)
    {
        builder.ToTable("listener_nodes");
        builder.HasKey(n => n.Name);
        builder.Property(n => n.Name).HasMaxLength(200);
    }
}
