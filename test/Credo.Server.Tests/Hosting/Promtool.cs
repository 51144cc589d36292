using System.Diagnostics;

namespace Credo.Server.Tests.Hosting;

/// <summary>Runs Prometheus's <c>promtool</c> (Debian's <c>prometheus</c> package, which .ci/run installs).</summary>
internal static class Promtool
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string? input, string workingDirectory, params string[] arguments)
    {
        var path = Environment.GetEnvironmentVariable("PATH")?.Split(Path.PathSeparator)
            .Select(folder => Path.Combine(folder, "promtool"))
            .FirstOrDefault(File.Exists);
        if (path is null)
        {
            MissingPrerequisite.Stop("promtool is not installed: 'apt-get install prometheus' (Debian) provides it; .ci/run installs it.");
        }

        var start = new ProcessStartInfo(path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, (await output) + (await error));
    }

    /// <summary>The repository's root folder (where Credo.slnx is).</summary>
    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Credo.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No Credo.slnx above {AppContext.BaseDirectory}.");
    }
}
