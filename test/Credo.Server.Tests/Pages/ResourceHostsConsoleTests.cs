using Credo.Core.Credentials;
using Credo.Sandbox;
using Credo.Server.Tests.Infrastructure;
using Credo.Server.Tests.Listeners;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Credo.Server.Tests.Pages;

/// <summary>Resource Hosts in the console (Chromium): shown on the list and the form; a listener outside them is refused at its field.</summary>
public sealed class ResourceHostsConsoleTests(ListenerServerFixture server, Browser browser) : IClassFixture<ListenerServerFixture>, IClassFixture<Browser>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_listener_pointed_outside_its_credentials_resource_hosts_is_refused_at_the_field()
    {
        var credential = await server.AddCredentialAsync("Only loopback", "127.0.0.1");
        var page = await browser.SignedInPageAsync(server.BaseAddress);
        await page.GotoAsync("/Administration/Integrations/EmailListeners/Add");
        await page.Locator("#Form_Name").FillAsync("Sent elsewhere");
        await page.GetByLabel("EWS URL").FillAsync("https://attacker.example.test/EWS/Exchange.asmx");
        await page.GetByLabel("Mailbox").FillAsync("ceo@contoso.com");
        await page.GetByLabel("Credential").SelectOptionAsync(new SelectOptionValue { Value = credential.Id.ToString() });
        await page.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();

        await Assertions.Expect(page.Locator("#Form_Ews_Url-error")).ToContainTextAsync($"The credential \"{credential.Name}\" sends its tokens only to 127.0.0.1 (its Resource Hosts)");
        await Assertions.Expect(page.Locator("#Form_Ews_Url-error")).ToContainTextAsync("attacker.example.test:443 is not among them");
    }

    [Fact]
    public async Task The_list_and_the_form_show_the_resource_hosts_listed_or_derived()
    {
        var listed = await server.AddCredentialAsync("Listed hosts", "mail.contoso.com *.contoso.net");
        var derived = await server.AddCredentialAsync("Derived hosts", resourceHosts: null);
        var page = await browser.SignedInPageAsync(server.BaseAddress);
        await page.GotoAsync("/Administration/GlobalSettings/Credentials");

        var listedRow = page.GetByRole(AriaRole.Row).Filter(new() { HasText = listed.Name });
        await Assertions.Expect(listedRow).ToContainTextAsync("mail.contoso.com, *.contoso.net");
        var derivedRow = page.GetByRole(AriaRole.Row).Filter(new() { HasText = derived.Name });
        await Assertions.Expect(derivedRow).ToContainTextAsync("outlook.office365.com");
        await Assertions.Expect(derivedRow).ToContainTextAsync("from the scopes");

        await page.GotoAsync($"/Administration/GlobalSettings/Credentials/{listed.Id}");
        await Assertions.Expect(page.GetByLabel("Resource Hosts")).ToHaveValueAsync("mail.contoso.com\n*.contoso.net");

        // Widening them without the secret is refused at the secret's field, and nothing is saved.
        await page.GetByLabel("Resource Hosts").FillAsync("mail.contoso.com\n*.contoso.net\nattacker.example.test");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Form_ClientSecret-error")).ToHaveTextAsync(CredentialRules.RetypeSecret);
        await using var scope = server.Services.CreateAsyncScope();
        Assert.Equal("mail.contoso.com *.contoso.net", (await scope.ServiceProvider.GetRequiredService<CredentialStore>().GetAsync(listed.Id, Ct))!.ResourceHosts);
    }
}
