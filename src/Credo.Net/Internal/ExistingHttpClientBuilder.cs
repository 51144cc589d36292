using Microsoft.Extensions.DependencyInjection;

namespace Credo.Net.Internal;

/// <summary>
/// A builder for a named client that is registered already. <c>AddHttpClient(name)</c> would serve too, but it adds a
/// startup validation registration on every call, so a second registration would not be the same as one.
/// </summary>
internal sealed class ExistingHttpClientBuilder(IServiceCollection services, string name) : IHttpClientBuilder
{
    public string Name { get; } = name;

    public IServiceCollection Services { get; } = services;
}
