namespace Credo.Core.Listeners.Sources;

/// <summary>What a protocol setting holds, which says how it is checked, shown and typed.</summary>
public enum SettingKind
{
    /// <summary>An absolute https URL (http for loopback hosts only), checked as the outbound guard will check it.</summary>
    Url,

    /// <summary>A host name or IP address, without scheme or port.</summary>
    Host,

    /// <summary>A port, 1 to 65535.</summary>
    Port,

    /// <summary>One of <see cref="ProtocolSetting.Choices"/>.</summary>
    Choice,

    /// <summary>Free text without control characters.</summary>
    Text,

    /// <summary>On or off, stored as <c>true</c> or <c>false</c>: a checkbox in the console, a boolean in the API's JSON.</summary>
    Switch,
}
