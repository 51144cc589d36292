using System.Diagnostics;
using System.Text;

namespace Credo.Server.Tests.Infrastructure;

/// <summary>The <c>credo</c> executable run as a child process, as a user runs it.</summary>
public sealed class CredoProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _gate = new();

    private CredoProcess(Process process) => _process = process;

    public string Stdout
    {
        get
        {
            lock (_gate)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_gate)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Runs <c>credo</c> with <paramref name="args"/> to the end, writing <paramref name="stdin"/> to its input.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string[] args, string? stdin = null, IDictionary<string, string>? environment = null)
    {
        await using var process = Start(args, environment);
        if (stdin is not null)
        {
            await process._process.StandardInput.WriteAsync(stdin);
        }

        process._process.StandardInput.Close();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        await process._process.WaitForExitAsync(timeout.Token);
        process._process.WaitForExit();
        return (process._process.ExitCode, process.Stdout, process.Stderr);
    }

    /// <summary>Starts <c>credo</c> with <paramref name="args"/>; dispose to kill it.</summary>
    public static CredoProcess Start(string[] args, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "credo.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var process = new CredoProcess(new Process { StartInfo = info });
        process._process.OutputDataReceived += (_, e) => process.Append(process._stdout, e.Data);
        process._process.ErrorDataReceived += (_, e) => process.Append(process._stderr, e.Data);
        process._process.Start();
        process._process.BeginOutputReadLine();
        process._process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Waits until standard output has a line that starts with <paramref name="prefix"/> and returns the rest of it.</summary>
    public async Task<string> WaitForLineAsync(string prefix)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        while (true)
        {
            var line = Stdout.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
            if (line is not null)
            {
                return line[prefix.Length..].Trim();
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"credo exited with {_process.ExitCode} before printing \"{prefix}\".\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
            }

            await Task.Delay(50, timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            target.AppendLine(line);
        }
    }
}
