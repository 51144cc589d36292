using Credo.Sandbox.Ews;

namespace Credo.Sandbox;

/// <summary>How the sandbox starts.</summary>
public sealed class SandboxOptions
{
    /// <summary>The address to listen on; default <c>http://127.0.0.1:5090</c>. Port 0 picks a free port.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:5090";

    /// <summary>Clients registered at start; default <see cref="SandboxClient.Default"/>.</summary>
    public IList<SandboxClient> Clients { get; } = [SandboxClient.Default()];

    /// <summary>Mailboxes created at start; default <c>demo@sandbox.test</c>.</summary>
    public IList<string> Mailboxes { get; } = [DemoMailbox];

    /// <summary>Generated mails put in the Inbox of each mailbox at start; default 10.</summary>
    public int SeedMessages { get; set; } = 10;

    /// <summary>The mailbox of <c>credo sandbox</c> and <c>serve --demo</c>.</summary>
    public const string DemoMailbox = "demo@sandbox.test";

    /// <summary>
    /// A steady fault rate for every mailbox, those of <see cref="Mailboxes"/> and those created later (see
    /// <see cref="SandboxMailboxes.DefaultFaultRate"/>); default none.
    /// </summary>
    public SandboxFaultRate? FaultRate { get; set; }

    /// <summary>
    /// How long the sandbox waits for a notification endpoint to answer a Graph validation request (when a subscription
    /// is created) or a change notification; default 10 seconds, Graph's limit for the validation request.
    /// </summary>
    public TimeSpan NotificationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Lifetime of issued access tokens; default one hour, as Microsoft Entra issues them.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The https address of the Azure Key Vault secrets endpoint, which also serves the token endpoint under Microsoft
    /// Entra's paths (for Azure.Identity), with a self-signed certificate made at start for <c>127.0.0.1</c> and
    /// <c>localhost</c>; default <c>https://127.0.0.1:0</c>, a free port.
    /// </summary>
    public string HttpsUrl { get; set; } = "https://127.0.0.1:0";

    /// <summary>The root token of the Vault KV v2 endpoint, which never expires; default <c>sandbox-vault-token</c>.</summary>
    public string VaultRootToken { get; set; } = "sandbox-vault-token";

    /// <summary>The lifetime of the Vault tokens an AppRole login issues, and of each renewal; default one hour.</summary>
    public TimeSpan VaultTokenTtl { get; set; } = TimeSpan.FromHours(1);
}
