namespace Credo.Core.Listeners.Sources;

/// <summary>One value a <see cref="SettingKind.Choice"/> setting may take.</summary>
/// <param name="Value">The value stored and accepted (any case).</param>
/// <param name="Label">How the console offers it.</param>
public sealed record SettingChoice(string Value, string Label);
