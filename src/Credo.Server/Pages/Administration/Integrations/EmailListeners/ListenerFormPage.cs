using Credo.Core;
using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Credo.Core.Listeners.Sources;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Credo.Server.Pages.Administration.Integrations.EmailListeners;

/// <summary>What the add and edit pages share: the form, the credential choices, field errors.</summary>
public abstract class ListenerFormPage(ListenerService listeners, CredentialStore credentials) : PageModel
{
    [BindProperty]
    public ListenerInput Form { get; set; } = new();

    public IReadOnlyList<Credential> Credentials { get; private set; } = [];

    public abstract Guid? ExistingId { get; }

    public bool HasStoredWebhookSecret { get; protected set; }

    protected ListenerService Listeners => listeners;

    public IReadOnlyList<ConnectionStep>? ConnectionReport { get; protected set; }

    /// <summary>A sentence above the form when saving did not happen (conflict, not found).</summary>
    public string? Problem { get; private set; }

    protected async Task LoadChoicesAsync(CancellationToken cancellationToken) => Credentials = await credentials.ListAsync(cancellationToken);

    /// <summary>The form's name of a protocol setting, for its errors and (dots as underscores) its element id: <c>Form.Imap.Host</c>.</summary>
    public static string SettingField(IMailProtocol protocol, ProtocolSetting setting)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(setting);
        return $"{nameof(Form)}.{Capitalized(protocol.Name.ToLowerInvariant())}.{Capitalized(setting.Key)}";

        static string Capitalized(string word) => string.Concat(word[..1].ToUpperInvariant(), word[1..]);
    }

    protected async Task<IActionResult> SaveAsync(Func<ListenerInput, Task<Change<EmailListener>>> save, CancellationToken cancellationToken)
    {
        var change = await save(Form);
        if (change.Status == ChangeStatus.Done)
        {
            Notice.Set(TempData, ExistingId is null ? $"Added “{change.Value!.Name}”: its first poll is due now." : $"Saved “{change.Value!.Name}”.");
            if (change.GeneratedSecret is { } secret)
            {
                TempData[OverviewModel.NewWebhookSecretKey] = secret;
            }

            return Redirect($"/Administration/Integrations/EmailListeners/{change.Value!.Id}");
        }

        foreach (var (field, message) in change.Errors)
        {
            // A protocol setting's error (imap.host) goes beside its field (Form.Imap.Host).
            var setting = MailProtocols.All.SelectMany(p => p.Settings.Select(s => (p, s)))
                .FirstOrDefault(x => ProtocolSettingRules.Field(x.p, x.s.Key) == field);
            ModelState.AddModelError(setting.p is null ? $"{nameof(Form)}.{field}" : SettingField(setting.p, setting.s), message);
        }

        Problem = change.Message;
        Form.WebhookSecret = null;
        await LoadChoicesAsync(cancellationToken);
        return Page();
    }
}
