using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Credo.Server.Security;
using Microsoft.AspNetCore.Mvc;

namespace Credo.Server.Pages.Administration.Integrations.EmailListeners;

public sealed class AddModel(ListenerService listeners, CredentialStore credentials) : ListenerFormPage(listeners, credentials)
{
    public override Guid? ExistingId => null;

    public Task OnGetAsync(CancellationToken cancellationToken) => LoadChoicesAsync(cancellationToken);

    public Task<IActionResult> OnPostAsync(CancellationToken cancellationToken) =>
        SaveAsync(input => Listeners.CreateAsync(input, User.Actor(), cancellationToken), cancellationToken);
}
