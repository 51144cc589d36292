using Credo.Core.Listeners.Sources;

namespace Credo.Core.Listeners.Engine;

/// <summary>How a poll ended.</summary>
/// <param name="Error">Why it failed; null when it succeeded.</param>
/// <param name="Yielded">It stopped at its page or time bound with more to read: the next poll goes on at once.</param>
internal sealed record PollOutcome(MailError? Error, bool Yielded = false);
