namespace Credo.Ews.Tests.Infrastructure;

/// <summary>Where the repository is, found by walking up from the test binaries to <c>Credo.slnx</c>.</summary>
public static class Repository
{
    public static string? Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Credo.slnx")))
                {
                    return dir.FullName;
                }
            }

            return null;
        }
    }
}
