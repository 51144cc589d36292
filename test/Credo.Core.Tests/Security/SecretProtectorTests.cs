using System.Text;
using Credo.Core.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Time.Testing;

namespace Credo.Core.Tests.Security;

/// <summary>What a form carries across Validate is readable only in the scope it was protected for, and only for 10 minutes.</summary>
public sealed class SecretProtectorTests
{
    private static readonly PendingScope Scope = new("session-1", "user-1", "https://idp.example.com/token", "client-1");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
    private readonly SecretProtector _sut;

    public SecretProtectorTests() => _sut = new SecretProtector(new EphemeralDataProtectionProvider(), _time);

    public static TheoryData<PendingScope> OtherScopes() =>
    [
        Scope with { SessionId = "session-2" },
        Scope with { UserId = "user-2" },
        Scope with { TokenEndpoint = "https://attacker.example.com/token" },
        Scope with { ClientId = "client-2" },
        Scope with { ClientId = "client-1\", \"x" },
    ];

    [Fact]
    public void Pending_secret_reads_back_in_its_own_scope_even_with_spaces_around_the_values()
    {
        var pending = _sut.ProtectPending("secret-1", Scope, _time.GetUtcNow().AddMinutes(10));

        Assert.Equal("secret-1", _sut.UnprotectPending(pending, Scope with { TokenEndpoint = " https://idp.example.com/token ", ClientId = "client-1 " }));
        Assert.DoesNotContain("secret-1", pending, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(OtherScopes))]
    public void Pending_secret_is_nothing_in_another_session_for_another_user_endpoint_or_client(PendingScope other)
    {
        var pending = _sut.ProtectPending("secret-1", Scope, _time.GetUtcNow().AddMinutes(10));

        Assert.Null(_sut.UnprotectPending(pending, other));
    }

    [Theory]
    [MemberData(nameof(OtherScopes))]
    public void Pending_certificate_is_nothing_in_another_session_for_another_user_endpoint_or_client(PendingScope other)
    {
        var certificate = Encoding.ASCII.GetBytes("-----BEGIN CERTIFICATE-----");
        var pending = _sut.ProtectPendingCertificate(certificate, Scope, _time.GetUtcNow().AddMinutes(10));

        Assert.Equal(certificate, _sut.UnprotectPendingCertificate(pending, Scope));
        Assert.Null(_sut.UnprotectPendingCertificate(pending, other));
    }

    [Fact]
    public void Pending_values_expire()
    {
        var secret = _sut.ProtectPending("secret-1", Scope, _time.GetUtcNow().AddMinutes(10));
        var certificate = _sut.ProtectPendingCertificate([1, 2, 3], Scope, _time.GetUtcNow().AddMinutes(10));

        _time.Advance(TimeSpan.FromMinutes(10));

        Assert.Null(_sut.UnprotectPending(secret, Scope));
        Assert.Null(_sut.UnprotectPendingCertificate(certificate, Scope));
    }
}
