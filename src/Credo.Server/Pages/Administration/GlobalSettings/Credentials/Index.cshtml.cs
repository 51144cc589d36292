using Credo.Core.Credentials;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Credo.Server.Pages.Administration.GlobalSettings.Credentials;

public sealed class IndexModel(CredentialService credentials) : PageModel
{
    public IReadOnlyList<Credential> Credentials { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => Credentials = await credentials.ListAsync(cancellationToken);
}
