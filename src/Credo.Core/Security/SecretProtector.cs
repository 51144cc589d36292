using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Credo.Core.Security;

/// <summary>
/// Protects secrets at rest with ASP.NET Core Data Protection, one purpose per kind of secret, so a value
/// protected for one use cannot be unprotected for another.
/// </summary>
public sealed class SecretProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector _clientSecrets = provider.CreateProtector("Credo.Credentials.ClientSecret.v1");
    private readonly ITimeLimitedDataProtector _pending = provider.CreateProtector("Credo.Console.PendingSecret.v1").ToTimeLimitedDataProtector();

    /// <summary>Protects a client secret for storage.</summary>
    public string ProtectClientSecret(string secret) => _clientSecrets.Protect(secret);

    /// <summary>Unprotects a stored client secret; throws <see cref="CryptographicException"/> if the key ring lost its key.</summary>
    public string UnprotectClientSecret(string protectedSecret) => _clientSecrets.Unprotect(protectedSecret);

    /// <summary>
    /// Protects a secret typed in a form for a short while (10 minutes), so that after <b>Validate</b> the page can
    /// carry it to <b>Add</b> without ever writing it into the HTML in plain text.
    /// </summary>
    public string ProtectPending(string secret, DateTimeOffset expires) => _pending.Protect(secret, expires);

    /// <summary>The pending secret, or <see langword="null"/> when it is expired or was tampered with.</summary>
    public string? UnprotectPending(string protectedSecret)
    {
        try
        {
            return _pending.Unprotect(protectedSecret);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
