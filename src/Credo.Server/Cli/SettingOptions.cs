using System.CommandLine;
using Credo.Core.Listeners;
using Credo.Core.Listeners.Sources;

namespace Credo.Server.Cli;

/// <summary>
/// The flags of the protocols' settings (<c>--ews-url</c>, <c>--imap-host</c>, <c>--sasl</c>), drawn from each protocol's
/// description; protocols may share a flag, which then sets the chosen protocol's setting.
/// </summary>
internal sealed class SettingOptions
{
    private readonly Dictionary<string, Option<string?>> _options;

    private SettingOptions(Dictionary<string, Option<string?>> options) => _options = options;

    /// <summary>One option per flag, its help naming every setting it sets (once, for protocols whose setting reads the same).</summary>
    public static SettingOptions Create() => new(Settings()
        .GroupBy(s => s.Flag, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => new Option<string?>(g.Key)
        {
            Description = string.Join(" ", g
                .GroupBy(s => $"{s.Setting.Label}: {s.Setting.Help}" + (s.Setting.Default is null || s.Setting.DefaultBy is not null ? "" : $" Default {s.Setting.Default}."), StringComparer.Ordinal)
                .Select(same => same.Key.StartsWith(same.First().Protocol.Name + " ", StringComparison.Ordinal)
                    ? same.Key
                    : $"{string.Join(", ", same.Select(s => s.Protocol.Name))} {same.Key}")),
        }, StringComparer.Ordinal));

    /// <summary>The flag of a setting's field (<c>imap.host</c> → <c>--imap-host</c>), or null for another field.</summary>
    public static string? FlagOf(string field) =>
        Settings().FirstOrDefault(s => string.Equals(ProtocolSettingRules.Field(s.Protocol, s.Setting.Key), field, StringComparison.Ordinal)).Flag;

    public void AddTo(Command command)
    {
        foreach (var option in _options.Values)
        {
            command.Add(option);
        }
    }

    /// <summary>Sets what the flags give: a flag of one protocol sets that protocol's setting; a shared one the chosen protocol's (or, when the chosen protocol has none, every protocol's that has it).</summary>
    public void Apply(ParseResult parse, ListenerInput input)
    {
        foreach (var (flag, option) in _options)
        {
            if (parse.GetValue(option) is not { } value)
            {
                continue;
            }

            var targets = Settings().Where(s => s.Flag == flag).ToList();
            var chosen = targets.Where(s => string.Equals(s.Protocol.Name, input.Protocol, StringComparison.OrdinalIgnoreCase)).ToList();
            foreach (var (protocol, setting, _) in chosen.Count > 0 ? chosen : targets)
            {
                input.Settings.Set(protocol.Name, setting.Key, value);
            }
        }
    }

    private static IEnumerable<(IMailProtocol Protocol, ProtocolSetting Setting, string Flag)> Settings() =>
        MailProtocols.All.SelectMany(p => p.Settings.Select(s => (p, s, s.FlagOf(p))));
}
