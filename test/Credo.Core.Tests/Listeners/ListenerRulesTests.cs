using Credo.Core.Listeners;
using Credo.Core.Listeners.Sources.Ews;
using Credo.Core.Listeners.Sources.Graph;
using Credo.Core.Listeners.Sources.Imap;
using Credo.Core.Webhooks;

namespace Credo.Core.Tests.Listeners;

/// <summary>A listener's values are checked field by field before anything is saved or sent.</summary>
public sealed class ListenerRulesTests
{
    [Fact]
    public void Valid_input_has_no_errors()
    {
        Assert.Empty(ListenerRules.Check(Valid(), allowHttp: false));
    }

    [Theory]
    [InlineData(nameof(ListenerInput.Mailbox), "reader\u0001@contoso.com")]
    [InlineData(nameof(ListenerInput.Mailbox), "reader@contoso\u202E.com")]
    [InlineData(nameof(ListenerInput.Name), "Invoices\u202Etxt.exe")]
    [InlineData(nameof(ListenerInput.Folder), "Inbox/\nInvoices")]
    [InlineData(nameof(ListenerInput.FromContains), "a\u0007b")]
    [InlineData(nameof(ListenerInput.SubjectContains), "\u2066Invoice")]
    public void Control_and_text_direction_characters_are_refused_by_the_field(string field, string value)
    {
        var input = Valid();
        typeof(ListenerInput).GetProperty(field)!.SetValue(input, value);

        var errors = ListenerRules.Check(input, allowHttp: false);

        Assert.Equal([field], errors.Keys);
    }

    [Fact]
    public void Over_long_values_are_refused_naming_the_limit()
    {
        var input = Valid();
        input.Mailbox = new string('a', 320) + "@contoso.com";
        input.FromContains = new string('f', ListenerRules.MaxFilterLength + 1);
        input.SubjectContains = new string('s', ListenerRules.MaxFilterLength);
        input.Folder = "Inbox/" + new string('x', ListenerRules.MaxPathLength);
        input.Settings.Set(EwsProtocol.Id, "url", "https://outlook.office365.com/EWS/Exchange.asmx?" + new string('q', ListenerRules.MaxUrlLength));
        input.WebhookUrl = "https://hooks.example.com/" + new string('w', ListenerRules.MaxUrlLength);
        input.WebhookSecret = WebhookSignature.NewSecret();

        var errors = ListenerRules.Check(input, allowHttp: false);

        Assert.Equal([nameof(input.Folder), nameof(input.FromContains), nameof(input.Mailbox), nameof(input.WebhookUrl), "ews.url"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("at most 256", errors[nameof(input.FromContains)], StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_chosen_protocols_settings_are_checked()
    {
        var input = Valid();
        input.Settings.Set(GraphProtocol.Id, "url", "not a url");
        input.Settings.Set(ImapProtocol.Id, "host", null);
        Assert.Empty(ListenerRules.Check(input, allowHttp: false));

        input.Protocol = ImapProtocol.Id;
        input.Settings.Set(ImapProtocol.Id, "host", "imap.example.test");
        input.Settings.Set(ImapProtocol.Id, "security", "none");
        Assert.Equal(["imap.security"], ListenerRules.Check(input, allowHttp: false).Keys);

        input.Settings.Set(ImapProtocol.Id, "host", "127.0.0.1");
        Assert.Empty(ListenerRules.Check(input, allowHttp: false));

        input.Protocol = GraphProtocol.Id;
        Assert.Equal(["graph.url"], ListenerRules.Check(input, allowHttp: false).Keys);
    }

    private static ListenerInput Valid() => new()
    {
        Name = "Invoices", Mailbox = "invoices@contoso.com", Folder = "Inbox/Invoices", CredentialId = Guid.NewGuid(),
        FromContains = "contoso.com", SubjectContains = "Invoice",
    };
}
