using System.Security.Cryptography;
using Credo.Core.Audit;
using Credo.Core.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Credo.Core.Users;

/// <summary>Console users: the first administrator, sign-in with lockout, adding users and resetting passwords.</summary>
public sealed class UserService(CredoDbContext db, AuditLog audit, TimeProvider time, IOptions<SessionLifetimeOptions> sessions)
{
    /// <summary>The user created when there is none.</summary>
    public const string FirstAdminName = "admin";

    /// <summary>Failed sign-ins in a row that lock a user out.</summary>
    public const int MaxFailedSignIns = 5;

    /// <summary>Shortest password accepted.</summary>
    public const int MinPasswordLength = 12;

    /// <summary>How long a lockout lasts.</summary>
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    private static readonly PasswordHasher<User> Hasher = new();

    /// <summary>
    /// With no users, creates <c>admin</c> with <paramref name="password"/> (from <c>CREDO_ADMIN_PASSWORD</c>), or with
    /// a generated password that is written to a new <paramref name="passwordFile"/> created with mode 0600 and
    /// returned so the caller can print it once. Returns <see langword="null"/> when users exist or the password was
    /// given. A given password must pass <see cref="CheckPassword"/>; otherwise this throws, naming the variable.
    /// </summary>
    public async Task<string?> EnsureFirstAdminAsync(string? password, string passwordFile, CancellationToken cancellationToken)
    {
        if (await db.Users.AnyAsync(cancellationToken))
        {
            return null;
        }

        if (!string.IsNullOrEmpty(password) && CheckPassword(password) is { } error)
        {
            throw new InvalidOperationException(
                $"CREDO_ADMIN_PASSWORD is not accepted as the password of '{FirstAdminName}': {error} Set a longer one, or unset it to have a password generated.");
        }

        var generated = string.IsNullOrEmpty(password) ? GeneratePassword() : null;
        db.Users.Add(NewUser(FirstAdminName, generated ?? password!, UserRole.Administrator));
        audit.Record("credo", "create", "user", FirstAdminName, FirstAdminName, "first administrator");
        await db.SaveChangesAsync(cancellationToken);
        if (generated is not null)
        {
            await WriteOwnerOnlyAsync(passwordFile, generated + "\n", cancellationToken);
        }

        return generated;
    }

    /// <summary>
    /// Checks a password and, when it is right, starts a session that ends after
    /// <see cref="SessionLifetimeOptions.AbsoluteLifetime"/>. <see cref="MaxFailedSignIns"/> failures in a row lock the user
    /// out for <see cref="LockoutDuration"/>; however many attempts run at once, no more than that many passwords are
    /// checked before the lockout. Every outcome is audited with <paramref name="clientAddress"/>; the password never is.
    /// </summary>
    public async Task<SignInResult> SignInAsync(string userName, string password, string? clientAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        var tried = userName.Trim();
        var normalized = tried.ToUpperInvariant();
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.NormalizedUserName == normalized, cancellationToken);
        var now = time.GetUtcNow();
        if (user is null)
        {
            // Same work as a real check, so timing does not tell which user names exist.
            Hasher.VerifyHashedPassword(new User(), DummyHash, password ?? "");
            await RecordFailureAsync(tried, null, clientAddress, "unknown user", cancellationToken);
            return new SignInResult(null, null);
        }

        var (attempt, lockedUntil) = await ClaimAttemptAsync(user.Id, now, cancellationToken);
        if (attempt is null)
        {
            // A password is checked as for any attempt, so timing does not tell a locked account either.
            Hasher.VerifyHashedPassword(user, DummyHash, password ?? "");
            lockedUntil = lockedUntil > now ? lockedUntil : await LockAsync(user, now, onlyWhenAttemptsAreUsedUp: true, cancellationToken);
            await RecordFailureAsync(tried, user, clientAddress, "locked out", cancellationToken);
            return new SignInResult(null, lockedUntil);
        }

        var verdict = Hasher.VerifyHashedPassword(user, user.PasswordHash, password ?? "");
        if (verdict == PasswordVerificationResult.Failed)
        {
            var lockout = attempt >= MaxFailedSignIns ? await LockAsync(user, now, onlyWhenAttemptsAreUsedUp: false, cancellationToken) : null;
            await RecordFailureAsync(tried, user, clientAddress, "wrong password", cancellationToken);
            return new SignInResult(null, lockout);
        }

        var hash = verdict == PasswordVerificationResult.SuccessRehashNeeded ? Hasher.HashPassword(user, password!) : user.PasswordHash;
        await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(
            u => u.SetProperty(x => x.FailedSignIns, 0).SetProperty(x => x.LockedUntil, (DateTimeOffset?)null).SetProperty(x => x.PasswordHash, hash),
            cancellationToken);
        await db.UserSessions.Where(s => s.UserId == user.Id && s.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);
        var session = new UserSession { Id = Guid.NewGuid(), UserId = user.Id, CreatedAt = now, ExpiresAt = now + sessions.Value.AbsoluteLifetime };
        db.UserSessions.Add(session);
        audit.Record(user.UserName, "sign-in", "user", user.Id.ToString(), user.UserName, From(clientAddress));
        await db.SaveChangesAsync(cancellationToken);
        return new SignInResult(user, null, session);
    }

    /// <summary>Whether <paramref name="sessionId"/> of the user <paramref name="userId"/> goes on: not signed out, not expired, and the password unchanged since sign-in.</summary>
    public Task<bool> IsSessionCurrentAsync(Guid userId, string securityStamp, Guid sessionId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return db.UserSessions.AnyAsync(
            s => s.Id == sessionId && s.UserId == userId && s.ExpiresAt > now && db.Users.Any(u => u.Id == userId && u.SecurityStamp == securityStamp),
            cancellationToken);
    }

    /// <summary>Ends the session, so its cookie is refused from now on, wherever it was copied to; audited when it was still going.</summary>
    public async Task SignOutAsync(Guid userId, Guid sessionId, string? clientAddress, CancellationToken cancellationToken)
    {
        if (await db.UserSessions.Where(s => s.Id == sessionId && s.UserId == userId).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return;
        }

        if (await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, cancellationToken) is { } user)
        {
            audit.Record(user.UserName, "sign-out", "user", user.Id.ToString(), user.UserName, From(clientAddress));
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>Adds a user; returns an error message, or <see langword="null"/> when added.</summary>
    public async Task<string?> AddAsync(string userName, string password, UserRole role, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        var error = CheckUserName(userName) ?? CheckPassword(password);
        if (error is not null)
        {
            return error;
        }

        var normalized = userName.Trim().ToUpperInvariant();
        if (await db.Users.AnyAsync(u => u.NormalizedUserName == normalized, cancellationToken))
        {
            return $"A user named \"{userName.Trim()}\" already exists; use 'credo users reset-password' to change the password.";
        }

        var user = NewUser(userName.Trim(), password, role);
        db.Users.Add(user);
        audit.Record(actor, "create", "user", user.Id.ToString(), user.UserName, $"role {role}");
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    /// <summary>Sets a new password, ends the user's sessions and lifts a lockout; returns an error message or <see langword="null"/>.</summary>
    public async Task<string?> ResetPasswordAsync(string userName, string password, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        var normalized = userName.Trim().ToUpperInvariant();
        var user = await db.Users.SingleOrDefaultAsync(u => u.NormalizedUserName == normalized, cancellationToken);
        if (user is null)
        {
            return $"There is no user named \"{userName.Trim()}\".";
        }

        if (CheckPassword(password) is { } error)
        {
            return error;
        }

        user.PasswordHash = Hasher.HashPassword(user, password);
        user.SecurityStamp = NewStamp();
        user.FailedSignIns = 0;
        user.LockedUntil = null;
        audit.Record(actor, "reset-password", "user", user.Id.ToString(), user.UserName);
        await db.SaveChangesAsync(cancellationToken);
        await db.UserSessions.Where(s => s.UserId == user.Id).ExecuteDeleteAsync(cancellationToken);
        return null;
    }

    /// <summary>Checks a password: at least <see cref="MinPasswordLength"/> characters.</summary>
    public static string? CheckPassword(string? password) =>
        password is null || password.Length < MinPasswordLength
            ? $"Choose a password of at least {MinPasswordLength} characters."
            : null;

    private static string? CheckUserName(string userName) =>
        userName.Trim() is { Length: >= 1 and <= 100 } trimmed && !trimmed.Any(char.IsControl) && !trimmed.Any(char.IsWhiteSpace)
            ? null
            : "Choose a user name of 1 to 100 characters without spaces.";

    /// <summary>
    /// Takes one of the user's <see cref="MaxFailedSignIns"/> attempts before the password is checked (a success gives
    /// them back), so concurrent attempts cannot all be checked against a count none of them has written yet. Returns
    /// the attempt's number, or <see langword="null"/> when the user is locked out or all attempts are taken. The
    /// increment and the read of the new count are one transaction: the update holds SQLite's write lock, or
    /// PostgreSQL's row lock, until the count is read.
    /// </summary>
    private async Task<(int? Attempt, DateTimeOffset? LockedUntil)> ClaimAttemptAsync(Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var claimed = await db.Users
            .Where(u => u.Id == id && (u.LockedUntil == null || u.LockedUntil <= now) && u.FailedSignIns < MaxFailedSignIns)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.FailedSignIns, x => x.FailedSignIns + 1), cancellationToken);
        var state = await db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => new { u.FailedSignIns, u.LockedUntil }).SingleAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (claimed == 1 ? state.FailedSignIns : null, state.LockedUntil);
    }

    /// <summary>
    /// Locks the user out unless a lockout is running already, and returns until when sign-in is refused. With
    /// <paramref name="onlyWhenAttemptsAreUsedUp"/>, only while all attempts are taken (by attempts still being checked,
    /// or by a process that stopped before finishing one); <see langword="null"/> when they are not any more.
    /// </summary>
    private async Task<DateTimeOffset?> LockAsync(User user, DateTimeOffset now, bool onlyWhenAttemptsAreUsedUp, CancellationToken cancellationToken)
    {
        var until = now + LockoutDuration;
        var locked = await db.Users
            .Where(u => u.Id == user.Id && (u.LockedUntil == null || u.LockedUntil <= now) && (!onlyWhenAttemptsAreUsedUp || u.FailedSignIns >= MaxFailedSignIns))
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.LockedUntil, until).SetProperty(x => x.FailedSignIns, 0), cancellationToken);
        if (locked == 0)
        {
            var running = await db.Users.AsNoTracking().Where(u => u.Id == user.Id).Select(u => u.LockedUntil).SingleAsync(cancellationToken);
            return running > now ? running : null;
        }

        audit.Record(user.UserName, "lockout", "user", user.Id.ToString(), user.UserName, $"{MaxFailedSignIns} failed sign-ins");
        await db.SaveChangesAsync(cancellationToken);
        return until;
    }

    private async Task RecordFailureAsync(string tried, User? user, string? clientAddress, string reason, CancellationToken cancellationToken)
    {
        // What was typed as the user name is shown to readers of the audit log; keep it printable and short.
        var name = new string([.. tried.Where(c => !char.IsControl(c)).Take(100)]);
        audit.Record("anonymous", "sign-in-failed", "user", user?.Id.ToString() ?? "", name, $"{From(clientAddress)}; {reason}");
        await db.SaveChangesAsync(cancellationToken);
    }

    private static string From(string? clientAddress) => $"from {clientAddress ?? "an unknown address"}";

    private static async Task WriteOwnerOnlyAsync(string path, string content, CancellationToken cancellationToken)
    {
        // A new file, never an old one: an old file may be readable by others or held open by someone, and a file
        // created with the default mode and narrowed afterwards is readable by others in between.
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var stream = new FileStream(path, options);
        await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(content), cancellationToken);
    }

    private User NewUser(string userName, string password, UserRole role)
    {
        var user = new User
        {
            Id = Guid.NewGuid(),
            UserName = userName,
            NormalizedUserName = userName.ToUpperInvariant(),
            Role = role,
            SecurityStamp = NewStamp(),
            CreatedAt = time.GetUtcNow(),
        };
        user.PasswordHash = Hasher.HashPassword(user, password);
        return user;
    }

    private static string NewStamp() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    private static string GeneratePassword() =>
        RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 24);

    private static readonly string DummyHash = Hasher.HashPassword(new User(), "credo-dummy-password");
}
