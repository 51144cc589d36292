using System.Buffers.Text;
using System.Text.Json;

namespace Credo.Sandbox.Tests.Infrastructure;

/// <summary>Reads answers and tokens as JSON, for tests that check the wire shape rather than an SDK's view of it.</summary>
public static class GraphJson
{
    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The claims of a JWT, unverified: the sandbox issued it, the test only reads it.</summary>
    public static JsonElement Claims(string jwt) =>
        JsonDocument.Parse(Base64Url.DecodeFromChars(jwt.Split('.')[1])).RootElement.Clone();

    public static IReadOnlyList<string> Strings(JsonElement element) =>
        element.ValueKind == JsonValueKind.Array ? [.. element.EnumerateArray().Select(e => e.GetString()!)] : [element.GetString()!];

    /// <summary>Asserts Graph's error shape and returns the code.</summary>
    public static string ErrorCode(JsonElement body)
    {
        var error = body.GetProperty("error");
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        var inner = error.GetProperty("innerError");
        Assert.True(DateTime.TryParse(inner.GetProperty("date").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));
        Assert.True(Guid.TryParse(inner.GetProperty("request-id").GetString(), out _));
        Assert.False(string.IsNullOrEmpty(inner.GetProperty("client-request-id").GetString()));
        return error.GetProperty("code").GetString()!;
    }
}
