using System.Text.Json;
using Credo.Core.Listeners.Sources;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Credo.Core.Persistence;

/// <summary>Compares listener settings by value, so that a change inside the dictionary is saved.</summary>
internal sealed class ListenerSettingsComparer() : ValueComparer<ListenerSettings>(
    (a, b) => Json(a) == Json(b),
    settings => Json(settings).GetHashCode(StringComparison.Ordinal),
    settings => settings.Copy())
{
    private static string Json(ListenerSettings? settings) => settings is null ? "" : JsonSerializer.Serialize(settings, (JsonSerializerOptions?)null);
}
