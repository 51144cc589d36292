using Credo.Core.Credentials;
using Credo.Core.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Time.Testing;

namespace Credo.Core.Tests.Credentials;

public sealed class ValidationStampTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
    private readonly ValidationStamp _sut;

    private readonly SecretProtector _protector;

    private static readonly PendingScope Scope = new("session", "user", "https://idp.example.com/t", "id");

    public ValidationStampTests()
    {
        _protector = new SecretProtector(new EphemeralDataProtectionProvider(), _time);
        _sut = new ValidationStamp(_protector, _time);
    }

    [Fact]
    public void Pending_secret_offered_as_a_stamp_is_no_stamp_and_raises_nothing()
    {
        var input = new CredentialInput { ClientId = "id", TokenEndpoint = "https://idp.example.com/t", Scopes = "a" };
        var pending = _protector.ProtectPending("secret-1", Scope, _time.GetUtcNow().AddMinutes(10));

        Assert.Null(_sut.Read(pending, input, new OAuth.Secret("secret-1")));
    }

    [Fact]
    public void Stamp_offered_as_a_pending_secret_is_no_secret()
    {
        var input = new CredentialInput { ClientId = "id", TokenEndpoint = "https://idp.example.com/t", Scopes = "a" };
        var stamp = _sut.Issue(input, new OAuth.Secret("secret-1"), new CredentialValidation { Succeeded = true });

        Assert.Null(_protector.UnprotectPending(stamp, Scope));
    }

    [Fact]
    public void Stamp_is_honoured_only_for_the_very_values_it_was_issued_for()
    {
        var input = new CredentialInput { ClientId = "id", TokenEndpoint = "https://idp.example.com/t", Scopes = "a  b" };
        var stamp = _sut.Issue(input, new OAuth.Secret("secret-1"), new CredentialValidation { Succeeded = true });

        Assert.True(_sut.Read(stamp, input, new OAuth.Secret("secret-1"))?.Succeeded);
        Assert.Null(_sut.Read(stamp, input, new OAuth.Secret("secret-2")));
        Assert.Null(_sut.Read(stamp, new CredentialInput { ClientId = "other", TokenEndpoint = input.TokenEndpoint, Scopes = input.Scopes }, new OAuth.Secret("secret-1")));
        Assert.Null(_sut.Read(stamp + "x", input, new OAuth.Secret("secret-1")));
        Assert.DoesNotContain("secret-1", stamp, StringComparison.Ordinal);
    }

    [Fact]
    public void Stamp_expires_after_ten_minutes()
    {
        var input = new CredentialInput { ClientId = "id", TokenEndpoint = "https://idp.example.com/t", Scopes = "a" };
        var stamp = _sut.Issue(input, new OAuth.Secret("secret"), new CredentialValidation { Succeeded = true });

        _time.Advance(TimeSpan.FromMinutes(11));

        Assert.Null(_sut.Read(stamp, input, new OAuth.Secret("secret")));
    }
}
