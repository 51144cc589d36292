using Credo.Core.Webhooks;

namespace Credo.Core.Tests.Webhooks;

/// <summary>Signatures as the Standard Webhooks specification defines them, and the secrets Credo accepts.</summary>
public sealed class WebhookSignatureTests
{
    // The specification's own example (secret, id, timestamp, body → signature).
    private const string SpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string SpecId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long SpecTimestamp = 1614265330;
    private const string SpecBody = "{\"test\": 2432232314}";
    private const string SpecSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private static readonly DateTimeOffset SpecTime = DateTimeOffset.FromUnixTimeSeconds(SpecTimestamp);

    [Fact]
    public void Signs_the_specifications_example_as_it_says()
    {
        Assert.Equal(SpecSignature, WebhookSignature.Sign(SpecId, SpecTimestamp, SpecBody, [SpecSecret]));
    }

    [Fact]
    public void During_a_secret_change_both_signatures_are_sent_new_first_and_each_verifies()
    {
        var old = WebhookSignature.NewSecret();
        var header = WebhookSignature.Sign(SpecId, SpecTimestamp, SpecBody, [SpecSecret, old]);

        Assert.StartsWith(SpecSignature + " v1,", header, StringComparison.Ordinal);
        Assert.True(WebhookSignature.Verify(SpecSecret, SpecId, "1614265330", SpecBody, header, SpecTime, TimeSpan.FromMinutes(5)));
        Assert.True(WebhookSignature.Verify(old, SpecId, "1614265330", SpecBody, header, SpecTime, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(WebhookSignature.NewSecret(), SpecId, "1614265330", SpecBody, header, SpecTime, TimeSpan.FromMinutes(5)));
    }

    [Theory]
    [InlineData("1614265330", SpecBody, 0, true)]
    [InlineData("1614265330", SpecBody, 299, true)]
    [InlineData("1614265330", SpecBody, 301, false)] // a replay: older than the window
    [InlineData("1614265330", SpecBody, -301, false)] // from the future
    [InlineData("1614265331", SpecBody, 0, false)] // the timestamp is signed
    [InlineData("1614265330", "{\"test\": 2432232315}", 0, false)] // so is the body
    [InlineData("-1614265330", SpecBody, 0, false)]
    public void Verify_checks_body_timestamp_and_replay_window(string timestamp, string body, int secondsLater, bool valid)
    {
        Assert.Equal(valid, WebhookSignature.Verify(SpecSecret, SpecId, timestamp, body, SpecSignature, SpecTime.AddSeconds(secondsLater), TimeSpan.FromMinutes(5)));
    }

    [Theory]
    [InlineData("v1,")]
    [InlineData("v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("v1,not base64!")]
    [InlineData("v1,AAAA")]
    [InlineData("")]
    public void Verify_refuses_malformed_signatures(string signature)
    {
        Assert.False(WebhookSignature.Verify(SpecSecret, SpecId, "1614265330", SpecBody, signature, SpecTime, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void New_secrets_are_whsec_and_32_random_bytes()
    {
        var secret = WebhookSignature.NewSecret();

        Assert.Null(WebhookSignature.Problem(secret));
        Assert.Equal(32, WebhookSignature.Key(secret).Length);
        Assert.NotEqual(secret, WebhookSignature.NewSecret());
    }

    [Theory]
    [InlineData("my-shared-secret", "does not begin with whsec_")]
    [InlineData("whsec_not*base64", "is not base64")]
    [InlineData("whsec_c2hvcnQ=", "is 5 bytes long")]
    public void A_pasted_secret_that_is_not_a_Standard_Webhooks_secret_is_refused_saying_what_one_is(string secret, string problem)
    {
        var message = WebhookSignature.Problem(secret);

        Assert.NotNull(message);
        Assert.Contains(problem, message, StringComparison.Ordinal);
        Assert.Contains("leave it empty and Credo generates one", message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_secret_saved_before_standard_signing_keeps_signing_with_its_bytes_as_the_key()
    {
        var signature = WebhookSignature.Sign(SpecId, SpecTimestamp, SpecBody, ["legacy-secret"]);

        var expected = System.Security.Cryptography.HMACSHA256.HashData("legacy-secret"u8.ToArray(), System.Text.Encoding.UTF8.GetBytes($"{SpecId}.{SpecTimestamp}.{SpecBody}"));
        Assert.Equal("v1," + Convert.ToBase64String(expected), signature);
    }

    [Fact]
    public void A_readable_body_leaves_attachment_contents_out_wherever_they_are()
    {
        var body = """{"data":{"message":{"subject":"Invoice","attachments":[{"name":"a.pdf","contentBase64":"JVBERi0xLjQK"},{"name":"b.txt","contentBase64":null}]}}}""";

        var readable = WebhookPayload.Readable(body);

        Assert.DoesNotContain("JVBERi0xLjQK", readable, StringComparison.Ordinal);
        Assert.Contains("\"contentBase64\": \"(12 characters of base64, not shown)\"", readable, StringComparison.Ordinal);
        Assert.Contains("\"contentBase64\": null", readable, StringComparison.Ordinal);
        Assert.Contains("\n  \"data\"", readable, StringComparison.Ordinal); // indented
    }
}
