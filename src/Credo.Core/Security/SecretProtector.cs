using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Credo.Core.Security;

/// <summary>
/// Protects secrets at rest with ASP.NET Core Data Protection, one purpose per kind of value, so a value
/// protected for one use cannot be unprotected for another (a pending secret is never accepted as a validation
/// stamp, nor a stamp as a secret).
/// </summary>
public sealed class SecretProtector(IDataProtectionProvider provider, TimeProvider time)
{
    private readonly IDataProtector _clientSecrets = provider.CreateProtector("Credo.Credentials.ClientSecret.v1");
    private readonly IDataProtector _pendingSecrets = provider.CreateProtector("Credo.Console.PendingSecret.v1");
    private readonly IDataProtector _validationStamps = provider.CreateProtector("Credo.Console.ValidationStamp.v1");
    private readonly IDataProtector _webhookSecrets = provider.CreateProtector("Credo.Listeners.WebhookSecret.v1");
    private readonly IDataProtector _certificates = provider.CreateProtector("Credo.Credentials.Certificate.v1");
    private readonly IDataProtector _pendingCertificates = provider.CreateProtector("Credo.Console.PendingCertificate.v1");
    private readonly IDataProtector _pushClientStates = provider.CreateProtector("Credo.Listeners.PushClientState.v1");

    /// <summary>Protects a client certificate with its private key (as exported, PEM bytes) for storage.</summary>
    public string ProtectCertificate(ReadOnlySpan<byte> certificate) => Convert.ToBase64String(_certificates.Protect(certificate.ToArray()));

    /// <summary>A stored client certificate with its key, or <see langword="null"/> when it cannot be unprotected (the key ring lost its key).</summary>
    public byte[]? TryUnprotectCertificate(string protectedCertificate)
    {
        try
        {
            return _certificates.Unprotect(Convert.FromBase64String(protectedCertificate));
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// Protects an uploaded certificate carried by a form until <paramref name="expires"/>, for <paramref name="scope"/>
    /// only, as <see cref="ProtectPending"/> does for a secret.
    /// </summary>
    public string ProtectPendingCertificate(ReadOnlySpan<byte> certificate, PendingScope scope, DateTimeOffset expires)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var payload = new byte[sizeof(long) + certificate.Length];
        BitConverter.TryWriteBytes(payload, expires.UtcTicks);
        certificate.CopyTo(payload.AsSpan(sizeof(long)));
        try
        {
            return Convert.ToBase64String(_pendingCertificates.CreateProtector(scope.Purpose).Protect(payload));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(payload);
        }
    }

    /// <summary>
    /// The pending certificate, or <see langword="null"/> when it is expired, was tampered with, or was protected for
    /// another use or another <paramref name="scope"/>.
    /// </summary>
    public byte[]? UnprotectPendingCertificate(string protectedCertificate, PendingScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        byte[] payload;
        try
        {
            payload = _pendingCertificates.CreateProtector(scope.Purpose).Unprotect(Convert.FromBase64String(protectedCertificate));
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return null;
        }

        try
        {
            return payload.Length > sizeof(long) && time.GetUtcNow().UtcTicks < BitConverter.ToInt64(payload) ? payload[sizeof(long)..] : null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(payload);
        }
    }

    /// <summary>Protects a push subscription's client state for storage.</summary>
    public string ProtectPushClientState(string clientState) => _pushClientStates.Protect(clientState);

    /// <summary>A stored push client state, or <see langword="null"/> when it cannot be unprotected (the key ring lost its key).</summary>
    public string? TryUnprotectPushClientState(string protectedClientState)
    {
        try
        {
            return _pushClientStates.Unprotect(protectedClientState);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Protects a webhook signing secret for storage.</summary>
    public string ProtectWebhookSecret(string secret) => _webhookSecrets.Protect(secret);

    /// <summary>A stored webhook signing secret, or <see langword="null"/> when it cannot be unprotected (the key ring lost its key).</summary>
    public string? TryUnprotectWebhookSecret(string protectedSecret)
    {
        try
        {
            return _webhookSecrets.Unprotect(protectedSecret);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Protects a client secret for storage.</summary>
    public string ProtectClientSecret(string secret) => _clientSecrets.Protect(secret);

    /// <summary>Unprotects a stored client secret; throws <see cref="CryptographicException"/> if the key ring lost its key.</summary>
    public string UnprotectClientSecret(string protectedSecret) => _clientSecrets.Unprotect(protectedSecret);

    /// <summary>A stored client secret, or <see langword="null"/> when it cannot be unprotected (the key ring lost its key).</summary>
    public string? TryUnprotectClientSecret(string protectedSecret)
    {
        try
        {
            return _clientSecrets.Unprotect(protectedSecret);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>
    /// Protects a secret carried by a form for a short while, until <paramref name="expires"/>, and for
    /// <paramref name="scope"/> only: a secret typed before <b>Validate</b>, so the page can carry it to <b>Add</b> without
    /// ever writing it into the HTML in plain text. The expiry is checked against the injected <see cref="TimeProvider"/>.
    /// </summary>
    public string ProtectPending(string value, PendingScope scope, DateTimeOffset expires)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return ProtectUntil(_pendingSecrets.CreateProtector(scope.Purpose), value, expires);
    }

    /// <summary>
    /// The pending secret, or <see langword="null"/> when it is expired, was tampered with, or was protected for another
    /// use or another <paramref name="scope"/> (another session or user, another Token Endpoint or Client Identifier).
    /// </summary>
    public string? UnprotectPending(string protectedValue, PendingScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return UnprotectUntil(_pendingSecrets.CreateProtector(scope.Purpose), protectedValue);
    }

    /// <summary>Protects the payload of a validation stamp until <paramref name="expires"/>.</summary>
    public string ProtectValidationStamp(string payload, DateTimeOffset expires) => ProtectUntil(_validationStamps, payload, expires);

    /// <summary>The payload of a validation stamp, or <see langword="null"/> when it is expired, was tampered with or was protected for another use.</summary>
    public string? UnprotectValidationStamp(string protectedPayload) => UnprotectUntil(_validationStamps, protectedPayload);

    private static string ProtectUntil(IDataProtector protector, string value, DateTimeOffset expires) =>
        protector.Protect(expires.UtcTicks.ToString(CultureInfo.InvariantCulture) + ":" + value);

    private string? UnprotectUntil(IDataProtector protector, string protectedValue)
    {
        string text;
        try
        {
            text = protector.Unprotect(protectedValue);
        }
        catch (CryptographicException)
        {
            return null;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && long.TryParse(text.AsSpan(0, colon), CultureInfo.InvariantCulture, out var ticks) && time.GetUtcNow().UtcTicks < ticks
            ? text[(colon + 1)..]
            : null;
    }
}
