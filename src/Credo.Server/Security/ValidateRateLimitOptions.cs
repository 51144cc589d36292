namespace Credo.Server.Security;

/// <summary>
/// How often one user may run <b>Validate</b> (<c>Credo:Validate</c>): in the console and through
/// <c>POST /api/v1/credentials/validate</c> and <c>/{id}/validate</c>, counted together per signed-in user, and per API key
/// (a key is its own user), in memory on each node. Each Validate sends a real token request, so this keeps one user
/// from turning Credo into a tool that hammers token endpoints or guesses secrets against them.
/// </summary>
internal sealed class ValidateRateLimitOptions
{
    public const string SectionName = "Credo:Validate";

    /// <summary>Validate runs one user may start within <see cref="Window"/>. Default 10.</summary>
    public int MaxPerUser { get; set; } = 10;

    /// <summary>The fixed window the runs are counted in, from a user's first run in it. Default 1 minute.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
