using Microsoft.EntityFrameworkCore;

namespace Credo.Sandbox.Internal;

/// <summary>Holds OpenIddict's applications and scopes in memory; the sandbox keeps nothing on disk.</summary>
internal sealed class SandboxDbContext(DbContextOptions<SandboxDbContext> options) : DbContext(options);
