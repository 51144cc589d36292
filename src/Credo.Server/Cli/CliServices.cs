using Credo.Server.Hosting;

namespace Credo.Server.Cli;

/// <summary>
/// The services of a one-shot command, with the server's configuration sources (appsettings.json beside the
/// executable, then environment variables such as <c>Credo__Outbound__AllowHttp=true</c>). Commands report
/// their own outcome, so only errors are logged, on standard error.
/// </summary>
internal static class CliServices
{
    /// <summary>Builds the services; throws <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> for invalid settings.</summary>
    public static ServiceProvider Build(DataFolder? data = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .Build();

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Error)
            .AddSimpleConsole(console => console.SingleLine = true));
        services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        if (data is null)
        {
            services.AddCredoOAuthSettings(configuration);
        }
        else
        {
            services.AddCredo(configuration, data);

            // The poller without the hosted engine: 'credo listeners poll' runs one poll in this process.
            services.AddCredoListeners(runInBackground: false);
            services.AddOptions<Credo.Core.Listeners.Engine.ListenerOptions>().Configure(o => o.NodeName = $"cli:{Environment.MachineName}:{Environment.ProcessId}");
        }

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        // Settings are checked before the command runs, as the server checks them at start.
        provider.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
        return provider;
    }
}
