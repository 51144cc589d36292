using Credo.Core.Listeners;
using Credo.Core.Retention;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Credo.Core.Tests.Retention;

/// <summary>Retention settings are checked at start, and a listener's own content days by the listener rules.</summary>
public sealed class RetentionOptionsTests
{
    [Fact]
    public void Settings_out_of_range_stop_the_start_naming_each_setting()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCredoRetention(runInBackground: false);
        services.Configure<RetentionOptions>(o =>
        {
            o.MimeDays = -1;
            o.RecordDays = 40_000;
            o.BatchSize = 0;
        });
        using var provider = services.BuildServiceProvider();

        var sut = provider.GetRequiredService<IStartupValidator>();

        var error = Assert.Throws<OptionsValidationException>(sut.Validate);
        Assert.Contains("Credo:Retention:MimeDays is -1; use a number of days from 1 to 36500, or 0 to keep forever.", error.Failures);
        Assert.Contains("Credo:Retention:RecordDays is 40000; use a number of days from 1 to 36500, or 0 to keep forever.", error.Failures);
        Assert.Contains("Credo:Retention:BatchSize is 0; use 1 to 10000 (default 500).", error.Failures);
        Assert.Equal(3, error.Failures.Count());
    }

    [Fact]
    public void Defaults_are_valid_and_zero_means_keep_forever()
    {
        var sut = new RetentionOptions { DeliveredWebhookDays = 0 };

        Assert.Empty(sut.Errors());
        Assert.Equal((30, 365, 0), (sut.MimeDays, sut.RecordDays, sut.DeliveredWebhookDays));
        Assert.Equal(0, sut.MimeDaysFor(new EmailListener { KeepContentDays = 0 }));
        Assert.Equal(30, sut.MimeDaysFor(new EmailListener { KeepContentDays = null }));
    }

    [Theory]
    [InlineData(-1, true)]
    [InlineData(36501, true)]
    [InlineData(0, false)]
    [InlineData(7, false)]
    [InlineData(null, false)]
    public void Keep_mail_content_days_must_be_from_0_to_36500_or_empty(int? days, bool refused)
    {
        var input = new ListenerInput { Name = "L", Mailbox = "a@b.test", CredentialId = Guid.NewGuid(), KeepContentDays = days };

        var errors = ListenerRules.Check(input, allowHttp: false);

        Assert.Equal(refused, errors.ContainsKey(nameof(ListenerInput.KeepContentDays)));
    }
}
