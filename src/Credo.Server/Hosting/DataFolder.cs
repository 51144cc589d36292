namespace Credo.Server.Hosting;

/// <summary>The data folder: <c>--data</c>, else <c>CREDO_DATA</c>, else <c>./data</c>, as a full path that exists.</summary>
internal sealed record DataFolder(string Path)
{
    public static DataFolder Resolve(string? fromArguments)
    {
        var path = System.IO.Path.GetFullPath(
            !string.IsNullOrWhiteSpace(fromArguments) ? fromArguments
            : Environment.GetEnvironmentVariable("CREDO_DATA") is { Length: > 0 } fromEnvironment ? fromEnvironment
            : "data");
        Directory.CreateDirectory(path);
        return new DataFolder(path);
    }
}
