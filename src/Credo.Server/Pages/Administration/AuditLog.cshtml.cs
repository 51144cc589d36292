using Credo.Core.Audit;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Credo.Server.Pages.Administration;

public sealed class AuditLogModel(AuditLog audit) : PageModel
{
    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => Entries = await audit.ListAsync(500, cancellationToken);
}
