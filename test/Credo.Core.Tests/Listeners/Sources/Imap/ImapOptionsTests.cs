using Credo.Core.Listeners.Sources.Imap;
using Credo.Imap;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Credo.Core.Tests.Listeners.Sources.Imap;

/// <summary>The IMAP protocol's settings section, Credo:Imap: read from the configuration and checked at start.</summary>
public sealed class ImapOptionsTests
{
    [Fact]
    public void Credo_imap_settings_are_read_from_the_configuration()
    {
        var sut = Options(new() { ["Credo:Imap:MaxIdleConnections"] = "250", ["Credo:Imap:IdleRestart"] = "00:20:00" });

        Assert.Equal(250, sut.MaxIdleConnections);
        Assert.Equal(TimeSpan.FromMinutes(20), sut.IdleRestart);
    }

    [Fact]
    public void Without_configuration_the_defaults_hold()
    {
        var sut = Options([]);

        Assert.Equal(1000, sut.MaxIdleConnections);
        Assert.Equal(TimeSpan.FromMinutes(9), sut.IdleRestart);
    }

    [Theory]
    [InlineData("Credo:Imap:IdleRestart", "00:29:01", "29 minutes")]
    [InlineData("Credo:Imap:IdleRestart", "00:00:00", "29 minutes")]
    [InlineData("Credo:Imap:MaxIdleConnections", "-1", "MaxIdleConnections")]
    public void A_setting_against_the_rules_is_refused_naming_it(string key, string value, string named)
    {
        var refused = Assert.Throws<OptionsValidationException>(() => Options(new() { [key] = value }));

        Assert.Contains(named, refused.Message, StringComparison.Ordinal);
    }

    private static ImapOptions Options(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        new ImapProtocol().Register(services);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<ImapOptions>>().Value;
    }
}
