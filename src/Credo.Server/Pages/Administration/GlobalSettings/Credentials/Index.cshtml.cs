using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Credo.Server.Pages.Administration.GlobalSettings.Credentials;

public sealed class IndexModel(CredentialService credentials, ListenerService listeners) : PageModel
{
    public IReadOnlyList<Credential> Credentials { get; private set; } = [];

    public ILookup<Guid, string> UsedBy { get; private set; } = Array.Empty<string>().ToLookup(_ => Guid.Empty);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Credentials = await credentials.ListAsync(cancellationToken);
        UsedBy = (await listeners.ListAsync(cancellationToken)).ToLookup(l => l.CredentialId, l => l.Name);
    }
}
