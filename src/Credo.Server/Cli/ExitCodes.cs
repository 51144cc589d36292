namespace Credo.Server.Cli;

/// <summary>The exit codes of every <c>credo</c> command (README, "Command line").</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The remote side refused: an OAuth error, an EWS error.</summary>
    public const int RemoteRefused = 1;

    /// <summary>Bad arguments or input, including a destination the outbound policy refuses.</summary>
    public const int BadInput = 2;

    /// <summary>Transport failure: DNS, connect, TLS, timeout, or an answer that is not an OAuth response.</summary>
    public const int Transport = 3;
}
