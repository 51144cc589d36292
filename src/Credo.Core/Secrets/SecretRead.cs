using Credo.OAuth;

namespace Credo.Core.Secrets;

/// <summary>A value read from a secret source, with what identifies it (never shown: only <see cref="Origin"/> is).</summary>
/// <param name="Reference">Where it was read.</param>
/// <param name="Value">The value.</param>
/// <param name="Version">The source's version (Key Vault, Vault); null where the source has none (environment, file).</param>
/// <param name="ContentType">The content type Key Vault stores with the secret (<c>application/x-pkcs12</c> for a PFX), if any.</param>
/// <param name="Fingerprint">Identifies the value without revealing it: its version with a keyed hash of it.</param>
public sealed record SecretRead(SecretReference Reference, Secret Value, string? Version, string? ContentType, string Fingerprint)
{
    /// <summary>Where the value came from, for Validate and Test connection: the reference and its version.</summary>
    public string Origin => Version is null ? $"read from {Reference}" : $"read from {Reference} (version {Version})";
}

/// <summary>The kinds of failure of a secret source, each with its own message and hint.</summary>
public enum SecretSourceFailureKind
{
    /// <summary>The reference names a source that is not configured.</summary>
    NotConfigured,

    /// <summary>The source did not answer (connection, TLS, timeout, sealed or unavailable).</summary>
    Unreachable,

    /// <summary>The source refused Credo (401, 403, a sign-in that failed).</summary>
    Refused,

    /// <summary>The secret, variable or file does not exist.</summary>
    NotFound,

    /// <summary>The secret exists but has no such key, or is empty.</summary>
    KeyMissing,

    /// <summary>The value is not usable as asked (a certificate that does not load).</summary>
    Unusable,
}

/// <summary>Why a secret could not be read: names the source and the reference, never a value.</summary>
/// <param name="Kind">What failed.</param>
/// <param name="Message">What happened.</param>
/// <param name="Hint">What to do about it.</param>
public sealed record SecretSourceFailure(SecretSourceFailureKind Kind, string Message, string Hint)
{
    /// <summary>The failure as a token request's failure: the request was never sent.</summary>
    public TokenFailure ToTokenFailure() => TokenFailure.OfSecretSource(Message, Hint);

    /// <summary>The <see cref="Message"/>.</summary>
    public override string ToString() => Message;
}
