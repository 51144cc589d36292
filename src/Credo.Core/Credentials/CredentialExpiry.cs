using System.Globalization;

namespace Credo.Core.Credentials;

/// <summary>
/// When a credential stops working: its secret's "Secret expires on" day, or its certificate's end of validity; with the
/// days left as the console, the metric and the daily warning show them.
/// </summary>
public sealed record CredentialExpiry
{
    /// <summary>Credentials expiring within this many days are flagged.</summary>
    public const int SoonDays = 30;

    /// <summary>The day (UTC) the secret or certificate stops working.</summary>
    public required DateOnly On { get; init; }

    /// <summary>Whole days left until then; 0 or less once a secret has expired, negative once a certificate has.</summary>
    public required int DaysLeft { get; init; }

    /// <summary>Whether it has expired.</summary>
    public required bool Expired { get; init; }

    /// <summary>Whether it expires within <see cref="SoonDays"/> days (and has not yet).</summary>
    public bool Soon => !Expired && DaysLeft < SoonDays;

    /// <summary>Whether the secret or the certificate expires.</summary>
    public required bool IsCertificate { get; init; }

    /// <summary>"Expires in N days", "Expires today" or "Expired on yyyy-MM-dd".</summary>
    public string Text => Expired ? $"Expired on {Day}"
        : DaysLeft == 0 ? "Expires today"
        : DaysLeft == 1 ? "Expires in 1 day"
        : $"Expires in {DaysLeft.ToString(CultureInfo.InvariantCulture)} days";

    /// <summary><see cref="On"/> as <c>yyyy-MM-dd</c>.</summary>
    public string Day => On.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// The likely cause when a token request fails after expiry, for <b>Validate</b>; <see langword="null"/> while it has not expired.
    /// </summary>
    public string? ExpiredHint => !Expired ? null
        : IsCertificate
            ? $"The certificate expired on {Day}: the authorization server refuses assertions signed with it. Create a new certificate, upload it to the app registration, and upload it here."
            : $"The secret expired on {Day}; create a new one in the app registration (Certificates & secrets), type it here, and set its new expiry date.";

    /// <summary>The expiry of <paramref name="credential"/> at <paramref name="now"/>, or <see langword="null"/> when none is known.</summary>
    public static CredentialExpiry? Of(Credential credential, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return Of(credential.Type, credential.SecretExpiresOn, credential.CertificateNotAfter, now);
    }

    /// <summary>
    /// The expiry of a secret that stops working on <paramref name="secretExpiresOn"/> (so from the start of that day it
    /// counts as expired: Entra ends a secret at a time of that day), or of a certificate valid until <paramref name="certificateNotAfter"/>.
    /// </summary>
    public static CredentialExpiry? Of(CredentialType type, DateOnly? secretExpiresOn, DateTimeOffset? certificateNotAfter, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (type == CredentialType.OAuth2ClientCertificate)
        {
            if (certificateNotAfter is not { } notAfter)
            {
                return null;
            }

            return new CredentialExpiry
            {
                On = DateOnly.FromDateTime(notAfter.UtcDateTime),
                DaysLeft = (int)Math.Floor((notAfter - now).TotalDays),
                Expired = notAfter <= now,
                IsCertificate = true,
            };
        }

        return secretExpiresOn is { } day
            ? new CredentialExpiry { On = day, DaysLeft = day.DayNumber - today.DayNumber, Expired = day <= today, IsCertificate = false }
            : null;
    }
}
