using System.Diagnostics.CodeAnalysis;

namespace Credo.Tests;

/// <summary>The benchmarks' side of the tests' prerequisite check, for the Dovecot harness they share: a missing program ends the run.</summary>
internal static class MissingPrerequisite
{
    [DoesNotReturn]
    public static void Stop(string reason) => throw new InvalidOperationException(reason);
}
