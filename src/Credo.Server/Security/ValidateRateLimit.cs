using System.Globalization;
using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace Credo.Server.Security;

/// <summary>
/// Counts <b>Validate</b> runs per user (console user or API key) in fixed windows (<see cref="ValidateRateLimitOptions"/>):
/// a user's window opens with their first run and lasts <see cref="ValidateRateLimitOptions.Window"/>; past
/// <see cref="ValidateRateLimitOptions.MaxPerUser"/> runs in it, further runs are refused until it ends.
/// </summary>
internal sealed class ValidateRateLimit(IOptions<ValidateRateLimitOptions> options, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Window> _windows = new(StringComparer.Ordinal);

    /// <summary>Takes one run for <paramref name="user"/>: <see langword="null"/> when it may go ahead, or how long until the user's window ends.</summary>
    public TimeSpan? TryAcquire(ClaimsPrincipal user)
    {
        var key = KeyOf(user);
        var now = time.GetUtcNow();
        var settings = options.Value;
        lock (_gate)
        {
            if (!_windows.TryGetValue(key, out var window) || now - window.Start >= settings.Window)
            {
                Forget(now, settings.Window);
                window = new Window(now);
                _windows[key] = window;
            }

            if (window.Runs >= settings.MaxPerUser)
            {
                return window.Start + settings.Window - now;
            }

            window.Runs++;
            return null;
        }
    }

    /// <summary>The message for a refused run, for the console and the API alike.</summary>
    public string Refusal(TimeSpan wait) =>
        $"Validate was run {options.Value.MaxPerUser} times within {Describe(options.Value.Window)}, the most one user may; try again in {Seconds(wait)} s.";

    /// <summary>Whole seconds, rounded up, for <c>Retry-After</c>.</summary>
    public static string Seconds(TimeSpan wait) => Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    // A console user and an API key are different users even if their ids matched; the scheme tells them apart.
    private static string KeyOf(ClaimsPrincipal user) =>
        $"{user.Identity?.AuthenticationType}:{user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("Validate needs a signed-in user or an API key.")}";

    private static string Describe(TimeSpan window) =>
        window == TimeSpan.FromMinutes(1) ? "a minute" : window.TotalSeconds < 60 ? $"{Seconds(window)} s" : $"{window.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture)} min";

    // Windows that ended hold nothing worth keeping; dropping them keeps memory to the users active within a window.
    private void Forget(DateTimeOffset now, TimeSpan length)
    {
        if (_windows.Count < 64)
        {
            return;
        }

        foreach (var (key, window) in _windows)
        {
            if (now - window.Start >= length)
            {
                _windows.Remove(key);
            }
        }
    }

    private sealed class Window(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; } = start;

        public int Runs { get; set; }
    }
}
