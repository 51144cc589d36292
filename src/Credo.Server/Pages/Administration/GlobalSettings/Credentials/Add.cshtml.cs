using Credo.Core;
using Credo.Core.Credentials;
using Credo.Core.Security;
using Credo.Server.Security;
using Microsoft.AspNetCore.Mvc;

namespace Credo.Server.Pages.Administration.GlobalSettings.Credentials;

internal sealed class AddModel(
    CredentialStore credentials, CredentialValidator validator, CredentialSecrets secrets, SecretProtector protector, ValidationStamp stamps, ValidateRateLimit validateLimit, TimeProvider time)
    : CredentialFormPage(credentials, validator, secrets, protector, stamps, validateLimit, time)
{
    public const string OAuth2ClientCredentials = nameof(CredentialType.OAuth2ClientCredentials);

    public const string OAuth2ClientCertificate = nameof(CredentialType.OAuth2ClientCertificate);

    public override Guid? ExistingId => null;

    public IActionResult OnGet(string? type)
    {
        if (type is not (OAuth2ClientCredentials or OAuth2ClientCertificate))
        {
            return NotFound($"Unknown credential type \"{type}\"; the types offered are {OAuth2ClientCredentials} and {OAuth2ClientCertificate}.");
        }

        Form.Type = Enum.Parse<CredentialType>(type);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await InputAsync(cancellationToken) is not { } input)
        {
            return Page();
        }

        var change = await Credentials.CreateAsync(input, User.Actor(), cancellationToken, await ValidatedAsync(input, cancellationToken));
        if (change.Status == ChangeStatus.Done)
        {
            var credential = change.Value!;
            Notice.Set(TempData, credential.LastValidationSucceeded switch
            {
                true => $"Added “{credential.Name}”, validated.",
                false => $"Added “{credential.Name}”; its validation failed: see Last validation.",
                null => $"Added “{credential.Name}”; not validated yet: Validate sends a real token request.",
            });
            return Redirect("/Administration/GlobalSettings/Credentials");
        }

        ShowErrors(change.Errors);
        KeepPending(input);
        return Page();
    }
}
