using System.Security.Claims;
using Credo.Core.Credentials;
using Credo.Core.Security;
using Credo.Server.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Credo.Server.Pages.Administration.GlobalSettings.Credentials;

/// <summary>What the add and edit pages share: the form, <b>Validate</b>, and turning field errors into page errors.</summary>
internal abstract class CredentialFormPage(
    CredentialStore credentials, CredentialValidator validator, CredentialSecrets secrets, SecretProtector protector, ValidationStamp stamps, ValidateRateLimit validateLimit, TimeProvider time)
    : PageModel
{
    /// <summary>Why a secret typed before <b>Validate</b> is not used, and what to do.</summary>
    public const string RetypePendingSecret =
        "Type the client secret again: a secret typed before Validate is kept for 10 minutes, and only for the session it was typed in and the Token Endpoint and Client Identifier it was typed for.";

    /// <summary>Why a certificate uploaded before <b>Validate</b> is not used, and what to do.</summary>
    public const string UploadPendingCertificateAgain =
        "Upload the certificate again: a certificate uploaded before Validate is kept for 10 minutes, and only for the session it was uploaded in and the Token Endpoint and Client Identifier it was uploaded for.";

    private static readonly TimeSpan PendingSecretLifetime = TimeSpan.FromMinutes(10);

    [BindProperty]
    public CredentialForm Form { get; set; } = new();

    public CredentialValidation? Validation { get; private set; }

    public string? Message { get; protected set; }

    /// <summary>The credential being edited; <see langword="null"/> when adding.</summary>
    public abstract Guid? ExistingId { get; }

    /// <summary>The stored credential being edited, for what the form shows of its certificate and expiry.</summary>
    public Credential? Stored { get; protected set; }

    /// <summary>The time, for expiry wording.</summary>
    public DateTimeOffset Now => time.GetUtcNow();

    protected CredentialStore Credentials => credentials;

    public async Task<IActionResult> OnPostValidateAsync(CancellationToken cancellationToken)
    {
        if (await InputAsync(cancellationToken) is not { } input)
        {
            await PrepareAsync(cancellationToken);
            return Page();
        }

        if (validateLimit.TryAcquire(User) is { } wait)
        {
            // Nothing is sent; what was typed is kept for the next try.
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = ValidateRateLimit.Seconds(wait);
            Message = validateLimit.Refusal(wait);
            KeepPending(input);
            await PrepareAsync(cancellationToken);
            return Page();
        }

        Validation = await validator.ValidateAsync(input, ExistingId, User.Actor(), cancellationToken);
        ShowErrors(Validation.Errors);
        Form.ValidationStamp = Validation.Errors.Count == 0 && await secrets.ResolveAsync(input, ExistingId, cancellationToken) is { } resolved
            ? stamps.Issue(input, resolved, Validation)
            : null;
        KeepPending(input);
        await PrepareAsync(cancellationToken);
        return Page();
    }

    /// <summary>Loads what the page shows besides the form, before it is rendered after a post.</summary>
    protected virtual Task PrepareAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The outcome of a <b>Validate</b> run with exactly <paramref name="input"/>, if the form carries one.</summary>
    protected async Task<LastValidation?> ValidatedAsync(CredentialInput input, CancellationToken cancellationToken) =>
        await secrets.ResolveAsync(input, ExistingId, cancellationToken) is { } secret
            ? stamps.Read(Form.ValidationStamp, input, secret)
            : null;

    /// <summary>
    /// The form's values, with the secret typed now (or before Validate) and the certificate uploaded now (or before
    /// Validate). <see langword="null"/>, with the field's error shown and nothing carried further, when what the form
    /// carried from Validate is not accepted: it is kept only for this session and user, and this Token Endpoint and
    /// Client Identifier, for 10 minutes (<see cref="PendingScope"/>). Then nothing may be sent: falling back to the
    /// stored secret would also quietly drop the secret the editor meant to save.
    /// </summary>
    protected async Task<CredentialInput?> InputAsync(CancellationToken cancellationToken)
    {
        var stored = ExistingId is { } id ? await credentials.GetAsync(id, cancellationToken) : null;
        var certificate = (stored?.Type ?? Form.Type) == CredentialType.OAuth2ClientCertificate;
        if (!string.IsNullOrEmpty(Form.SecretSource))
        {
            // An external source: the reference stands for the secret or certificate, and nothing is carried over.
            ForgetPending();
            if (string.IsNullOrWhiteSpace(Form.SecretReference))
            {
                return stored?.SecretReference is not null ? Form.ToInput(null, null, null)
                    : Refuse(nameof(CredentialForm.SecretReference), $"Enter the Secret Reference: where Credo reads the {(certificate ? "certificate" : "client secret")}, for example {CredentialForm.Sources.First(s => s.Value == Form.SecretSource).Example}.");
            }

            return Core.Secrets.SecretReference.TryParse(Form.SecretReference, out var reference, out _) && CredentialForm.SourceOf(reference.Kind) != Form.SecretSource
                ? Refuse(nameof(CredentialForm.SecretReference), $"\"{reference}\" is read from the source {CredentialForm.Sources.First(s => s.Value == CredentialForm.SourceOf(reference.Kind)).Label}; choose it as the Secret Source, or write a reference like {CredentialForm.Sources.First(s => s.Value == Form.SecretSource).Example}.")
                : Form.ToInput(null, null, null);
        }

        if (stored?.SecretReference is not null && string.IsNullOrEmpty(Form.ClientSecret) && Form.Certificate is not { Length: > 0 } && string.IsNullOrEmpty(Form.PendingSecret) && string.IsNullOrEmpty(Form.PendingCertificate))
        {
            return certificate
                ? Refuse(nameof(CredentialForm.Certificate), $"Upload the certificate to store it in Credo: until now it was read from {stored.SecretReference}.")
                : Refuse(nameof(CredentialForm.ClientSecret), $"Type the client secret to store it in Credo: until now it was read from {stored.SecretReference}.");
        }

        var secret = string.IsNullOrEmpty(Form.ClientSecret) ? null : Form.ClientSecret;
        if (secret is null && Form.PendingSecret is { Length: > 0 } pendingSecret &&
            (secret = protector.UnprotectPending(pendingSecret, Scope())) is null)
        {
            return Refuse(nameof(CredentialForm.ClientSecret), RetypePendingSecret);
        }

        if (Form.Certificate is { Length: > 0 } upload)
        {
            using var buffer = new MemoryStream();
            await using (var stream = upload.OpenReadStream())
            {
                await stream.CopyToAsync(buffer, cancellationToken);
            }

            return Form.ToInput(secret, buffer.ToArray(), Form.CertificatePassword);
        }

        // A certificate carried over from Validate was already read with its password, and is kept without one.
        byte[]? pending = null;
        if (Form.PendingCertificate is { Length: > 0 } carried && (pending = secrets.ReadPendingCertificate(carried, Scope())) is null)
        {
            return Refuse(nameof(CredentialForm.Certificate), UploadPendingCertificateAgain);
        }

        return Form.ToInput(secret, pending, null);
    }

    /// <summary>Carries a typed secret or an uploaded certificate to the next post in protected form, for this <see cref="Scope"/>; the fields themselves stay empty.</summary>
    protected void KeepPending(CredentialInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var expires = time.GetUtcNow() + PendingSecretLifetime;
        Form.PendingSecret = string.IsNullOrEmpty(input.ClientSecret) ? null : protector.ProtectPending(input.ClientSecret, Scope(), expires);
        Form.PendingCertificate = secrets.ProtectPendingCertificate(input, Scope(), expires);
        Form.ClientSecret = null;
        Form.CertificatePassword = null;
    }

    /// <summary>Drops whatever the form carried over.</summary>
    protected void ForgetPending()
    {
        Form.PendingSecret = null;
        Form.PendingCertificate = null;
        Form.ClientSecret = null;
        Form.CertificatePassword = null;
    }

    /// <summary>
    /// What a carried-over secret or certificate is kept for: the signed-in session and user (the console's cookie always
    /// names both), and the form's Token Endpoint and Client Identifier.
    /// </summary>
    private PendingScope Scope() => new(
        User.FindFirstValue(CredoPolicies.SessionClaim) ?? throw new InvalidOperationException("The console user has no session."),
        User.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("The console user has no id."),
        Form.TokenEndpoint,
        Form.ClientId);

    private CredentialInput? Refuse(string field, string message)
    {
        ModelState.AddModelError($"{nameof(Form)}.{field}", message);
        ForgetPending();
        Form.ValidationStamp = null;
        return null;
    }

    protected void ShowErrors(IReadOnlyDictionary<string, string> errors)
    {
        foreach (var (field, message) in errors)
        {
            ModelState.AddModelError($"{nameof(Form)}.{field}", message);
        }
    }
}
