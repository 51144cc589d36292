using System.Text;

namespace Credo.OAuth.Internal;

/// <summary>
/// <c>application/x-www-form-urlencoded</c> encoding of one value, as RFC 6749 Appendix B requires for
/// form parameters and for the client identifier and secret before HTTP Basic (§2.3.1): UTF-8, space as
/// <c>+</c>, every byte but <c>A-Z a-z 0-9 * - . _</c> percent-encoded with upper-case hex.
/// </summary>
internal static class FormUrlEncoding
{
    public static string Encode(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        var builder = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'*' or (byte)'-' or (byte)'.' or (byte)'_')
            {
                builder.Append((char)b);
            }
            else if (b == (byte)' ')
            {
                builder.Append('+');
            }
            else
            {
                builder.Append('%').Append("0123456789ABCDEF"[b >> 4]).Append("0123456789ABCDEF"[b & 0xF]);
            }
        }

        return builder.ToString();
    }

    /// <summary>Joins name/value pairs as a form body, each encoded with <see cref="Encode"/>.</summary>
    public static string Join(params ReadOnlySpan<(string Name, string Value)> fields)
    {
        var builder = new StringBuilder();
        foreach (var (name, value) in fields)
        {
            if (builder.Length > 0)
            {
                builder.Append('&');
            }

            builder.Append(Encode(name)).Append('=').Append(Encode(value));
        }

        return builder.ToString();
    }
}
