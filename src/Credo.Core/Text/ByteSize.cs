using System.Globalization;

namespace Credo.Core.Text;

/// <summary>Sizes as people read them: "812 B", "4.2 KB", "3.1 MB" (1 KB = 1024 B); never "0 KB".</summary>
public static class ByteSize
{
    /// <summary>The size of <paramref name="bytes"/>.</summary>
    public static string Format(long bytes) =>
        bytes < 1024 ? $"{bytes.ToString(CultureInfo.InvariantCulture)} B"
        : bytes < 1024 * 1024 ? Scaled(bytes / 1024.0, "KB")
        : bytes < 1024L * 1024 * 1024 ? Scaled(bytes / (1024.0 * 1024), "MB")
        : Scaled(bytes / (1024.0 * 1024 * 1024), "GB");

    // One decimal below 10 ("4.2 KB"), whole numbers above ("420 KB"), as a decimal there adds nothing.
    private static string Scaled(double value, string unit) =>
        (value < 10 ? value.ToString("0.0", CultureInfo.InvariantCulture) : Math.Round(value).ToString(CultureInfo.InvariantCulture)) + " " + unit;
}
