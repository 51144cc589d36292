namespace Credo.Server.Hosting;

/// <summary>The arguments of <c>credo serve</c>; <paramref name="ConfigurationArgs"/> go to ASP.NET Core configuration.</summary>
internal sealed record ServeSettings(bool Demo, string? DataFolder, string? Urls, string[] ConfigurationArgs);
