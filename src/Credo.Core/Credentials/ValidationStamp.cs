using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Credo.Core.Security;
using Credo.OAuth;

namespace Credo.Core.Credentials;

/// <summary>
/// Remembers, across one form round trip, that <b>Validate</b> ran with exactly these values, so that the
/// <b>Add</b> or <b>Save</b> that follows keeps the outcome as the credential's last validation. The stamp is
/// Data Protection-protected and time-limited; it holds a hash of the values, never the secret.
/// </summary>
public sealed class ValidationStamp(SecretProtector protector, TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    /// <summary>A stamp for <paramref name="validation"/> run with <paramref name="input"/> (its secret filled in).</summary>
    public string Issue(CredentialInput input, Secret secret, CredentialValidation validation)
    {
        ArgumentNullException.ThrowIfNull(validation);
        var now = time.GetUtcNow();
        var payload = JsonSerializer.Serialize(new Payload(Fingerprint(input, secret), validation.Succeeded, validation.Summary, now.UtcTicks));
        return protector.ProtectValidationStamp(payload, now + Lifetime);
    }

    /// <summary>The validation the stamp records, if it is genuine, fresh and was made with these very values.</summary>
    public LastValidation? Read(string? stamp, CredentialInput input, Secret secret)
    {
        if (string.IsNullOrEmpty(stamp) || protector.UnprotectValidationStamp(stamp) is not { } json)
        {
            return null;
        }

        Payload? payload;
        try
        {
            payload = JsonSerializer.Deserialize<Payload>(json);
        }
        catch (JsonException)
        {
            // Its own purpose makes this unreachable short of a key compromise; the exception's message quotes the
            // unprotected text, so it is never let out.
            return null;
        }

        return payload is not null && payload.Fingerprint == Fingerprint(input, secret)
            ? new LastValidation(new DateTimeOffset(payload.AtTicks, TimeSpan.Zero), payload.Succeeded, payload.Summary)
            : null;
    }

    private static string Fingerprint(CredentialInput input, Secret secret)
    {
        var scopes = ScopeSet.TryParse(input.Scopes, out var parsed, out _) ? parsed.Value : input.Scopes;
        var text = string.Join('\n', input.ClientId, secret.Reveal(), input.TokenEndpoint?.Trim(), scopes, input.AuthenticationMethod);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private sealed record Payload(string Fingerprint, bool Succeeded, string Summary, long AtTicks);
}

/// <summary>The outcome of a validation, as kept on a credential.</summary>
public sealed record LastValidation(DateTimeOffset At, bool Succeeded, string Summary);
