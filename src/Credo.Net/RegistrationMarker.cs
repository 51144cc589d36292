using Microsoft.Extensions.DependencyInjection;

namespace Credo.Net;

/// <summary>
/// Records in a service collection that a registration has run, so that running it again adds nothing. Hosts add
/// Credo from several modules that each add what they need, and some registrations pile up when repeated: options
/// validators, and handlers in a named client's pipeline (two token handlers would each renew and retry, so a refused
/// token would cost four requests instead of two).
/// </summary>
public sealed class RegistrationMarker
{
    private RegistrationMarker(string key) => Key = key;

    /// <summary>What was registered, such as <c>Credo.OAuth</c> or <c>AccessTokenHandler:Credo.Ews</c>.</summary>
    public string Key { get; }

    /// <summary>Marks <paramref name="key"/> as registered; <see langword="false"/> when it already was.</summary>
    public static bool TryMark(IServiceCollection services, string key)
    {
        // Keyed descriptors are skipped before ImplementationInstance is read: markers are never keyed.
        if (services.Any(d => d.ServiceType == typeof(RegistrationMarker) && !d.IsKeyedService &&
            d.ImplementationInstance is RegistrationMarker marker && string.Equals(marker.Key, key, StringComparison.Ordinal)))
        {
            return false;
        }

        services.AddSingleton(new RegistrationMarker(key));
        return true;
    }
}
