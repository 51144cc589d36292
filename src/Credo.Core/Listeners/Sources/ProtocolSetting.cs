namespace Credo.Core.Listeners.Sources;

/// <summary>
/// One setting of a protocol, described once: the console's field, the API's JSON property, the CLI's flag and the
/// audit's label are drawn from it.
/// </summary>
/// <param name="Key">The name in JSON and in storage: <c>url</c>, <c>host</c>, <c>port</c>.</param>
/// <param name="Label">Its label: "EWS URL", "Host".</param>
/// <param name="Kind">What it holds.</param>
/// <param name="Help">One sentence under the field and in the CLI's help.</param>
public sealed record ProtocolSetting(string Key, string Label, SettingKind Kind, string Help)
{
    /// <summary>The value when none is given (and <see cref="DefaultBy"/> gives none).</summary>
    public string? Default { get; init; }

    /// <summary>
    /// Defaults that follow another setting of the same protocol: the key of that setting, and this setting's default for
    /// each of its values (a port that goes with the chosen security). A value it does not list takes <see cref="Default"/>.
    /// </summary>
    public (string Key, IReadOnlyDictionary<string, string> Defaults)? DefaultBy { get; init; }

    /// <summary>Whether a value (or a default) is needed.</summary>
    public bool Required { get; init; }

    /// <summary>The values a <see cref="SettingKind.Choice"/> takes.</summary>
    public IReadOnlyList<SettingChoice> Choices { get; init; } = [];

    /// <summary>What the empty field shows: "outlook.office365.com".</summary>
    public string? Placeholder { get; init; }

    /// <summary>
    /// Whether it says where the mail is (a server, a port, a user): a change means the saved sync state belongs to
    /// another store and is forgotten. Security and SASL mechanism do not.
    /// </summary>
    public bool Locates { get; init; }

    /// <summary>Its CLI flag; default <c>--{protocol}-{key}</c> (<c>--imap-host</c>). Protocols may share one (<c>--sasl</c>).</summary>
    public string? Flag { get; init; }

    /// <summary>The CLI flag of this setting of <paramref name="protocol"/>.</summary>
    public string FlagOf(IMailProtocol protocol)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        return Flag ?? $"--{protocol.Name.ToLowerInvariant()}-{string.Concat(Key.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()))}";
    }
}
