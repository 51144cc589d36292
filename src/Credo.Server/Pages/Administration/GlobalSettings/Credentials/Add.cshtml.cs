using Credo.Core.Credentials;
using Credo.Core.Security;
using Credo.Server.Security;
using Microsoft.AspNetCore.Mvc;

namespace Credo.Server.Pages.Administration.GlobalSettings.Credentials;

public sealed class AddModel(CredentialStore credentials, CredentialValidator validator, CredentialSecrets secrets, SecretProtector protector, ValidationStamp stamps, TimeProvider time)
    : CredentialFormPage(credentials, validator, secrets, protector, stamps, time)
{
    public const string OAuth2ClientCredentials = "OAuth2ClientCredentials";

    public override Guid? ExistingId => null;

    public IActionResult OnGet(string? type) =>
        type == OAuth2ClientCredentials
            ? Page()
            : NotFound($"Unknown credential type \"{type}\"; the type offered is {OAuth2ClientCredentials}.");

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var input = Form.ToInput(TypedOrPendingSecret());
        var change = await Credentials.CreateAsync(input, User.Actor(), cancellationToken, await ValidatedAsync(input, cancellationToken));
        if (change.Status == CredentialChangeStatus.Done)
        {
            return Redirect("/Administration/GlobalSettings/Credentials");
        }

        ShowErrors(change.Errors);
        KeepPendingSecret(input.ClientSecret);
        return Page();
    }
}
