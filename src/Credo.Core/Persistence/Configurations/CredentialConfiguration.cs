using Credo.Core.Credentials;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Credo.Core.Persistence.Configurations;

internal sealed class CredentialConfiguration : IEntityTypeConfiguration<Credential>
{
    public void Configure(EntityTypeBuilder<Credential> builder)
    {
        builder.ToTable("credentials");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Name).HasMaxLength(CredentialRules.MaxNameLength).IsRequired();
        builder.Property(c => c.NormalizedName).HasMaxLength(CredentialRules.MaxNameLength).IsRequired();
        builder.HasIndex(c => c.NormalizedName).IsUnique();
        builder.Property(c => c.ClientId).HasMaxLength(OAuth.ClientCredentialsRules.MaxClientIdLength).IsRequired();
        builder.Property(c => c.Type).HasConversion<string>().HasMaxLength(32);
        builder.Property(c => c.ProtectedClientSecret).IsRequired();
        builder.Property(c => c.SecretReference).HasMaxLength(Secrets.SecretReference.MaxLength);
        builder.Property(c => c.CertificateSubject).HasMaxLength(1024);
        builder.Property(c => c.CertificateThumbprint).HasMaxLength(64);
        builder.Property(c => c.SigningAlgorithm).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.TokenEndpoint).HasMaxLength(2048).IsRequired();
        builder.Property(c => c.Scopes).HasMaxLength(4096).IsRequired();
        builder.Property(c => c.ResourceHosts).HasMaxLength(4000);
        builder.Property(c => c.AuthenticationMethod).HasConversion<string>().HasMaxLength(32);
        builder.Property(c => c.Version).IsConcurrencyToken();
        builder.Property(c => c.LastValidationSummary).HasMaxLength(2000);
    }
}
