using Credo.Server.Cli;

return await CredoCommandLine.InvokeAsync(args);
