using Credo.Core.Users;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Credo.Server.Security;

internal static class ConsoleSessionServiceCollectionExtensions
{
    /// <summary>
    /// Session lifetimes from <c>Credo:Sessions</c> (idle timeout of the sliding cookie, absolute lifetime of the
    /// server-side session) and sign-in throttling per client address from <c>Credo:SignIn</c>, checked at start.
    /// </summary>
    public static IServiceCollection AddConsoleSessions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SessionLifetimeOptions>()
            .Bind(configuration.GetSection(SessionLifetimeOptions.SectionName))
            .Validate(o => o.IdleTimeout > TimeSpan.Zero, $"{SessionLifetimeOptions.SectionName}:IdleTimeout must be positive.")
            .Validate(o => o.AbsoluteLifetime > TimeSpan.Zero, $"{SessionLifetimeOptions.SectionName}:AbsoluteLifetime must be positive.")
            .ValidateOnStart();
        services.AddOptions<SignInThrottleOptions>()
            .Bind(configuration.GetSection(SignInThrottleOptions.SectionName))
            .Validate(o => o.MaxFailuresPerAddress > 0, $"{SignInThrottleOptions.SectionName}:MaxFailuresPerAddress must be positive.")
            .Validate(o => o.AddressWindow > TimeSpan.Zero, $"{SignInThrottleOptions.SectionName}:AddressWindow must be positive.")
            .Validate(o => o.AddressBlock > TimeSpan.Zero, $"{SignInThrottleOptions.SectionName}:AddressBlock must be positive.")
            .ValidateOnStart();
        services.AddOptions<CookieAuthenticationOptions>(CredoPolicies.CookieScheme)
            .Configure<IOptions<SessionLifetimeOptions>>((cookie, sessions) => cookie.ExpireTimeSpan = sessions.Value.IdleTimeout);
        services.AddSingleton<SignInThrottle>();
        return services;
    }

    /// <summary>The per-user limit of Validate runs, console and API alike, from <c>Credo:Validate</c>, checked at start.</summary>
    public static IServiceCollection AddValidateRateLimit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ValidateRateLimitOptions>()
            .Bind(configuration.GetSection(ValidateRateLimitOptions.SectionName))
            .Validate(o => o.MaxPerUser > 0, $"{ValidateRateLimitOptions.SectionName}:MaxPerUser must be positive.")
            .Validate(o => o.Window > TimeSpan.Zero, $"{ValidateRateLimitOptions.SectionName}:Window must be positive.")
            .ValidateOnStart();
        services.AddSingleton<ValidateRateLimit>();
        return services;
    }
}
