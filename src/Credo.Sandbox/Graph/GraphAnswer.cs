namespace Credo.Sandbox.Graph;

/// <summary>An answer to one Graph request: status, headers, and a JSON body or other content (the MIME of <c>$value</c>).</summary>
internal sealed class GraphAnswer
{
    public const string JsonContentType = "application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8";

    private GraphAnswer(int status, byte[]? json, byte[]? content, string? contentType)
    {
        Status = status;
        Json = json;
        Content = content;
        ContentType = contentType ?? (json is null ? null : JsonContentType);
    }

    public int Status { get; }

    /// <summary>A JSON body, if the answer has one.</summary>
    public byte[]? Json { get; }

    /// <summary>A body that is not JSON, if the answer has one.</summary>
    public byte[]? Content { get; }

    public string? ContentType { get; }

    public List<KeyValuePair<string, string>> Headers { get; } = [];

    public bool IsSuccess => Status is >= 200 and < 300;

    public static GraphAnswer WithJson(int status, byte[] json) => new(status, json, null, null);

    public static GraphAnswer WithContent(int status, byte[] content, string contentType) => new(status, null, content, contentType);

    /// <summary>An answer without a body, such as <c>204 No Content</c>.</summary>
    public static GraphAnswer WithoutBody(int status) => new(status, null, null, null);

    public GraphAnswer WithHeader(string name, string value)
    {
        Headers.Add(new(name, value));
        return this;
    }
}
