using Credo.Core;
using Credo.Core.Credentials;
using Credo.Core.Security;
using Credo.Server.Security;
using Microsoft.AspNetCore.Mvc;

namespace Credo.Server.Pages.Administration.GlobalSettings.Credentials;

internal sealed class EditModel(
    CredentialStore credentials, CredentialValidator validator, CredentialSecrets secrets, SecretProtector protector, ValidationStamp stamps, ValidateRateLimit validateLimit, TimeProvider time)
    : CredentialFormPage(credentials, validator, secrets, protector, stamps, validateLimit, time)
{
    [FromRoute]
    public Guid Id { get; set; }

    public string StoredName { get; private set; } = "";

    public override Guid? ExistingId => Id;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await Credentials.GetAsync(Id, cancellationToken) is not { } credential)
        {
            return NotFound();
        }

        Form = CredentialForm.From(credential);
        Stored = credential;
        StoredName = credential.Name;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await InputAsync(cancellationToken) is not { } input)
        {
            await PrepareAsync(cancellationToken);
            return Page();
        }

        var change = await Credentials.UpdateAsync(Id, Form.Version, input, User.Actor(), cancellationToken, await ValidatedAsync(input, cancellationToken));
        switch (change.Status)
        {
            case ChangeStatus.Done:
                Notice.Set(TempData, $"Saved “{change.Value!.Name}”.");
                return Redirect("/Administration/GlobalSettings/Credentials");
            case ChangeStatus.NotFound:
                return NotFound();
            default:
                ShowErrors(change.Errors);
                Message = change.Message;
                StoredName = change.Value?.Name ?? Form.Name ?? "";
                Stored = change.Value ?? await Credentials.GetAsync(Id, cancellationToken);
                Form.Type = Stored?.Type ?? Form.Type;
                ForgetPending();
                return Page();
        }
    }

    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        Stored = await Credentials.GetAsync(Id, cancellationToken);
        StoredName = Stored?.Name ?? "";
        Form.Type = Stored?.Type ?? Form.Type;
    }
}
