using Credo.Core.Credentials;
using Credo.Core.Security;
using Credo.Server.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Credo.Server.Pages.Administration.GlobalSettings.Credentials;

/// <summary>What the add and edit pages share: the form, <b>Validate</b>, and turning field errors into page errors.</summary>
public abstract class CredentialFormPage(
    CredentialStore credentials, CredentialValidator validator, CredentialSecrets secrets, SecretProtector protector, ValidationStamp stamps, TimeProvider time) : PageModel
{
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
        var secret = TypedOrPendingSecret();
        var input = await InputAsync(secret, cancellationToken);
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

    /// <summary>The form's values, with the secret typed now (or before Validate) and the certificate uploaded now (or before Validate).</summary>
    protected async Task<CredentialInput> InputAsync(string? secret, CancellationToken cancellationToken)
    {
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
        var pending = Form.PendingCertificate is { Length: > 0 } carried ? secrets.ReadPendingCertificate(carried) : null;
        return Form.ToInput(secret, pending, null);
    }

    /// <summary>The secret typed now, else the one typed before Validate (if still fresh).</summary>
    protected string? TypedOrPendingSecret() =>
        !string.IsNullOrEmpty(Form.ClientSecret) ? Form.ClientSecret
        : Form.PendingSecret is { Length: > 0 } pending ? protector.UnprotectPending(pending)
        : null;

    /// <summary>Carries a typed secret or an uploaded certificate to the next post in protected form; the fields themselves stay empty.</summary>
    protected void KeepPending(CredentialInput input)
    {
        Form.PendingSecret = string.IsNullOrEmpty(input.ClientSecret) ? null : protector.ProtectPending(input.ClientSecret, time.GetUtcNow() + PendingSecretLifetime);
        Form.PendingCertificate = secrets.ProtectPendingCertificate(input, time.GetUtcNow() + PendingSecretLifetime);
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

    protected void ShowErrors(IReadOnlyDictionary<string, string> errors)
    {
        foreach (var (field, message) in errors)
        {
            ModelState.AddModelError($"{nameof(Form)}.{field}", message);
        }
    }
}
