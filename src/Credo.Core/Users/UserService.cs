using System.Security.Cryptography;
using Credo.Core.Audit;
using Credo.Core.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Credo.Core.Users;

/// <summary>Console users: the first administrator, sign-in with lockout, adding users and resetting passwords.</summary>
public sealed class UserService(CredoDbContext db, AuditLog audit, TimeProvider time)
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
    /// With no users, creates <c>admin</c> with <paramref name="password"/>, or with a generated password that is
    /// written to <paramref name="passwordFile"/> (mode 0600) and returned so the caller can print it once.
    /// Returns <see langword="null"/> when users exist or the password was given.
    /// </summary>
    public async Task<string?> EnsureFirstAdminAsync(string? password, string passwordFile, CancellationToken cancellationToken)
    {
        if (await db.Users.AnyAsync(cancellationToken))
        {
            return null;
        }

        var generated = string.IsNullOrEmpty(password) ? GeneratePassword() : null;
        db.Users.Add(NewUser(FirstAdminName, generated ?? password!, UserRole.Administrator));
        audit.Record("credo", "create", "user", FirstAdminName, FirstAdminName, "first administrator");
        await db.SaveChangesAsync(cancellationToken);
        if (generated is not null)
        {
            await File.WriteAllTextAsync(passwordFile, generated + "\n", cancellationToken);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        return generated;
    }

    /// <summary>Checks a password; repeated failures lock the user out for <see cref="LockoutDuration"/>.</summary>
    public async Task<SignInResult> SignInAsync(string userName, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        var normalized = userName.Trim().ToUpperInvariant();
        var user = await db.Users.SingleOrDefaultAsync(u => u.NormalizedUserName == normalized, cancellationToken);
        var now = time.GetUtcNow();
        if (user is null)
        {
            // Same work as a real check, so timing does not tell which user names exist.
            Hasher.VerifyHashedPassword(new User(), DummyHash, password ?? "");
            return new SignInResult(null, null);
        }

        if (user.LockedUntil > now)
        {
            return new SignInResult(null, user.LockedUntil);
        }

        var verdict = Hasher.VerifyHashedPassword(user, user.PasswordHash, password ?? "");
        if (verdict == PasswordVerificationResult.Failed)
        {
            user.FailedSignIns++;
            if (user.FailedSignIns >= MaxFailedSignIns)
            {
                user.LockedUntil = now + LockoutDuration;
                user.FailedSignIns = 0;
                audit.Record(user.UserName, "lockout", "user", user.Id.ToString(), user.UserName, $"{MaxFailedSignIns} failed sign-ins");
            }

            await db.SaveChangesAsync(cancellationToken);
            return new SignInResult(null, user.LockedUntil > now ? user.LockedUntil : null);
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = Hasher.HashPassword(user, password!);
        }

        user.FailedSignIns = 0;
        user.LockedUntil = null;
        audit.Record(user.UserName, "sign-in", "user", user.Id.ToString(), user.UserName);
        await db.SaveChangesAsync(cancellationToken);
        return new SignInResult(user, null);
    }

    /// <summary>The user with <paramref name="id"/> if its <paramref name="securityStamp"/> is still current.</summary>
    public Task<User?> FindCurrentAsync(Guid id, string securityStamp, CancellationToken cancellationToken) =>
        db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id && u.SecurityStamp == securityStamp, cancellationToken);

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
