using System.CommandLine;
using Credo.Core.Text;
using Credo.Core.Users;
using Credo.Net.Text;

namespace Credo.Server.Cli;

/// <summary><c>credo users add|reset-password</c>: console users.</summary>
internal static class UsersCommand
{
    public static Command Create()
    {
        var users = new Command("users", "Console users.");
        users.Add(Add());
        users.Add(ResetPassword());
        return users;
    }

    private static Command Add()
    {
        var name = new Option<string>("--name") { Description = "User name.", Required = true };
        var role = new Option<UserRole>("--role") { Description = "Administrator or Viewer (read-only).", DefaultValueFactory = _ => UserRole.Viewer };
        var command = new Command("add", "Add a console user; the password is read from standard input (or typed without echo).") { name, role };
        command.SetAction((parse, cancellationToken) => DataCommand.RunAsync(parse, "users add", async services =>
        {
            var secret = await SecretInput.ReadAsync("Password: ", cancellationToken);
            var error = await services.GetRequiredService<UserService>().AddAsync(parse.GetRequiredValue(name), secret, parse.GetValue(role), DataCommand.Actor, cancellationToken);
            return await ReportAsync("users add", error, $"Added user {parse.GetRequiredValue(name)} ({parse.GetValue(role)}).");
        }, cancellationToken));
        return command;
    }

    private static Command ResetPassword()
    {
        var name = new Option<string>("--name") { Description = "User name.", Required = true };
        var command = new Command("reset-password", "Set a new password (read from standard input, or typed without echo), end the user's sessions and lift a lockout.") { name };
        command.SetAction((parse, cancellationToken) => DataCommand.RunAsync(parse, "users reset-password", async services =>
        {
            var secret = await SecretInput.ReadAsync("Password: ", cancellationToken);
            var error = await services.GetRequiredService<UserService>().ResetPasswordAsync(parse.GetRequiredValue(name), secret, DataCommand.Actor, cancellationToken);
            return await ReportAsync("users reset-password", error, $"Password of {parse.GetRequiredValue(name)} changed; its sessions have ended.");
        }, cancellationToken));
        return command;
    }

    private static async Task<int> ReportAsync(string command, string? error, string success)
    {
        if (error is not null)
        {
            return await CommandOutput.BadInputAsync(command, [error]);
        }

        await Console.Out.WriteLineAsync(DisplayText.Clean(success));
        return ExitCodes.Success;
    }
}
