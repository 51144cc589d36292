using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Credo.Core.Security;

/// <summary>
/// Protects secrets at rest with ASP.NET Core Data Protection, one purpose per kind of secret, so a value
/// protected for one use cannot be unprotected for another.
/// </summary>
public sealed class SecretProtector(IDataProtectionProvider provider, TimeProvider time)
{
    private readonly IDataProtector _clientSecrets = provider.CreateProtector("Credo.Credentials.ClientSecret.v1");
    private readonly IDataProtector _pending = provider.CreateProtector("Credo.Console.Pending.v1");
    private readonly IDataProtector _webhookSecrets = provider.CreateProtector("Credo.Listeners.WebhookSecret.v1");

    /// <summary>Protects a webhook signing secret for storage.</summary>
    public string ProtectWebhookSecret(string secret) => _webhookSecrets.Protect(secret);

    /// <summary>Unprotects a stored webhook signing secret.</summary>
    public string UnprotectWebhookSecret(string protectedSecret) => _webhookSecrets.Unprotect(protectedSecret);

    /// <summary>Protects a client secret for storage.</summary>
    public string ProtectClientSecret(string secret) => _clientSecrets.Protect(secret);

    /// <summary>Unprotects a stored client secret; throws <see cref="CryptographicException"/> if the key ring lost its key.</summary>
    public string UnprotectClientSecret(string protectedSecret) => _clientSecrets.Unprotect(protectedSecret);

    /// <summary>
    /// Protects a value carried by a form for a short while, until <paramref name="expires"/>: a secret typed before
    /// <b>Validate</b>, so the page can carry it to <b>Add</b> without ever writing it into the HTML in plain text.
    /// The expiry is checked against the injected <see cref="TimeProvider"/>.
    /// </summary>
    public string ProtectPending(string value, DateTimeOffset expires) =>
        _pending.Protect(expires.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + value);

    /// <summary>The pending value, or <see langword="null"/> when it is expired or was tampered with.</summary>
    public string? UnprotectPending(string protectedValue)
    {
        string text;
        try
        {
            text = _pending.Unprotect(protectedValue);
        }
        catch (CryptographicException)
        {
            return null;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && long.TryParse(text.AsSpan(0, colon), System.Globalization.CultureInfo.InvariantCulture, out var ticks) && time.GetUtcNow().UtcTicks < ticks
            ? text[(colon + 1)..]
            : null;
    }
}
