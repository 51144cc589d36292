using Credo.Core.Credentials;
using Credo.Core.Security;
using Credo.Server.Security;
using Microsoft.AspNetCore.Mvc;

namespace Credo.Server.Pages.Administration.GlobalSettings.Credentials;

public sealed class AddModel(CredentialService credentials, SecretProtector protector, TimeProvider time)
    : CredentialFormPage(credentials, protector, time)
{
    public const string OAuth2ClientCredentials = "OAuth2ClientCredentials";

    public override Guid? ExistingId => null;

    public IActionResult OnGet(string? type) =>
        type == OAuth2ClientCredentials
            ? Page()
            : NotFound($"Unknown credential type \"{type}\"; the type offered is {OAuth2ClientCredentials}.");

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var secret = TypedOrPendingSecret();
        var change = await Credentials.CreateAsync(Form.ToInput(secret), User.Actor(), cancellationToken);
        if (change.Status == CredentialChangeStatus.Done)
        {
            return Redirect("/Administration/GlobalSettings/Credentials");
        }

        ShowErrors(change.Errors);
        KeepPendingSecret(secret);
        return Page();
    }
}
