using System.Diagnostics.CodeAnalysis;

namespace Credo.Tests;

/// <summary>
/// What a test does when something it needs (a PostgreSQL server, Chromium, an npm package, the EWS schema) is not
/// there: in CI, where .ci/run provides all of them, it fails; elsewhere it is skipped, saying what is missing.
/// </summary>
internal static class MissingPrerequisite
{
    /// <summary>Fails (CI) or skips the calling test; <paramref name="reason"/> says what is missing and how to provide it.</summary>
    [DoesNotReturn]
    public static void Stop(string reason)
    {
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(reason);
        }

        Assert.Skip(reason);
    }
}
