using Credo.Core.Credentials;
using Credo.Core.Security;
using Credo.Server.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Credo.Server.Pages.Administration.GlobalSettings.Credentials;

/// <summary>What the add and edit pages share: the form, <b>Validate</b>, and turning field errors into page errors.</summary>
public abstract class CredentialFormPage(CredentialStore credentials, CredentialValidator validator, CredentialSecrets secrets, SecretProtector protector, ValidationStamp stamps, TimeProvider time) : PageModel
{
    private static readonly TimeSpan PendingSecretLifetime = TimeSpan.FromMinutes(10);

    [BindProperty]
    public CredentialForm Form { get; set; } = new();

    public CredentialValidation? Validation { get; private set; }

    public string? Message { get; protected set; }

    /// <summary>The credential being edited; <see langword="null"/> when adding.</summary>
    public abstract Guid? ExistingId { get; }

    protected CredentialStore Credentials => credentials;

    public async Task<IActionResult> OnPostValidateAsync(CancellationToken cancellationToken)
    {
        var secret = TypedOrPendingSecret();
        var input = Form.ToInput(secret);
        Validation = await validator.ValidateAsync(input, ExistingId, User.Actor(), cancellationToken);
        ShowErrors(Validation.Errors);
        Form.ValidationStamp = Validation.Errors.Count == 0 && await secrets.ResolveAsync(input, ExistingId, cancellationToken) is { } resolved
            ? stamps.Issue(input, resolved, Validation)
            : null;
        KeepPendingSecret(secret);
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

    /// <summary>The secret typed now, else the one typed before Validate (if still fresh).</summary>
    protected string? TypedOrPendingSecret() =>
        !string.IsNullOrEmpty(Form.ClientSecret) ? Form.ClientSecret
        : Form.PendingSecret is { Length: > 0 } pending ? protector.UnprotectPending(pending)
        : null;

    /// <summary>Carries a typed secret to the next post in protected form; the secret field itself stays empty.</summary>
    protected void KeepPendingSecret(string? secret)
    {
        Form.PendingSecret = string.IsNullOrEmpty(secret) ? null : protector.ProtectPending(secret, time.GetUtcNow() + PendingSecretLifetime);
        Form.ClientSecret = null;
    }

    protected void ShowErrors(IReadOnlyDictionary<string, string> errors)
    {
        foreach (var (field, message) in errors)
        {
            ModelState.AddModelError($"{nameof(Form)}.{field}", message);
        }
    }
}
