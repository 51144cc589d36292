namespace Credo.Core.Listeners;

/// <summary>A listener error made readable (<see cref="ListenerErrorText.Explain"/>).</summary>
/// <param name="Sentence">What went wrong, in a sentence.</param>
/// <param name="Hint">What to do about it, if Credo can tell.</param>
/// <param name="Raw">The server's own text when <paramref name="Sentence"/> rewrote it; kept for the details.</param>
public sealed record ListenerErrorExplanation(string Sentence, string? Hint, string? Raw);
