namespace Credo.Sandbox.Tests.Infrastructure;

/// <summary>How a <see cref="NotificationReceiver"/> answers Graph's validation request.</summary>
public enum ValidationAnswer
{
    /// <summary>200, text/plain, the decoded token: as it should.</summary>
    Token,
    WrongToken,
    ServerError,
    WrongContentType,
    /// <summary>No answer until the caller gives up.</summary>
    Silence,
}
