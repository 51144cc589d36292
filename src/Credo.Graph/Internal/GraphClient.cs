using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Credo.Graph.Internal.Wire;
using Credo.Net;
using Credo.Net.Outbound;
using Credo.OAuth;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Credo.Graph.Internal;

/// <summary>
/// The Graph calls over <see cref="HttpClient"/> with <see cref="AccessTokenHandler"/>: every request asks for
/// immutable ids, at most <see cref="GraphOptions.MaxConcurrentRequestsPerMailbox"/> requests run per mailbox (a batch
/// counting as the requests it runs at once), and each answer is read streaming and size-capped. JSON is read and
/// written with source-generated metadata.
/// </summary>
internal sealed class GraphClient(
    IHttpClientFactory httpClientFactory,
    IOptionsMonitor<GraphOptions> options,
    TimeProvider timeProvider,
    ILogger<GraphClient> logger) : IGraphClient, IDisposable
{
    public const string HttpClientName = "Credo.Graph";

    /// <summary>The message properties a listener records, asked for with <c>$select</c>.</summary>
    internal const string SelectedProperties = "id,internetMessageId,from,toRecipients,ccRecipients,subject,receivedDateTime,hasAttachments,isRead";

    private const string ImmutableIds = "IdType=\"ImmutableId\"";

    // Error answers are small; a larger one is cut, its status still tells what happened.
    private const int MaxErrorBytes = 64 * 1024;

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly ConcurrentDictionary<string, MailboxGate> _gates = new(StringComparer.OrdinalIgnoreCase);

    public async Task<Result<GraphFolder, GraphError>> ResolveFolderAsync(GraphMailbox mailbox, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        var names = path.Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        GraphFolder? folder = null;
        foreach (var name in names.Length == 0 ? ["Inbox"] : names)
        {
            Result<GraphFolder, GraphError> step;
            if (folder is null && GraphWellKnownFolders.TryWellKnown(name, out var wellKnown))
            {
                var found = await GetJsonAsync(mailbox, "get folder", Url(mailbox, $"mailFolders/{wellKnown}"), GraphJson.Default.WireFolder, ImmutableIds, cancellationToken);
                step = found.Succeeded ? Folder(found.Value) : found.Error;
            }
            else
            {
                var filter = Uri.EscapeDataString($"displayName eq '{name.Replace("'", "''", StringComparison.Ordinal)}'");
                var parent = folder is null ? "mailFolders" : $"mailFolders/{Escape(folder.Id)}/childFolders";
                var children = await GetJsonAsync(mailbox, "find folder", Url(mailbox, $"{parent}?$filter={filter}&$top=2"), GraphJson.Default.WireFolderPage, ImmutableIds, cancellationToken);
                step = !children.Succeeded ? children.Error
                    : children.Value.Value?.FirstOrDefault() is { } child ? Folder(child)
                    : new GraphError(GraphErrorKind.FolderNotFound, $"The folder \"{name}\" of the path \"{path}\" does not exist in {mailbox.User}.");
            }

            if (!step.Succeeded)
            {
                return step.Error;
            }

            folder = step.Value;
        }

        return folder!;
    }

    public Task<Result<GraphDeltaPage, GraphError>> StartDeltaAsync(GraphMailbox mailbox, string folderId, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(folderId);
        return DeltaAsync(mailbox, Url(mailbox, $"mailFolders/{Escape(folderId)}/messages/delta?changeType=created&$select={SelectedProperties}"), pageSize, cancellationToken);
    }

    public Task<Result<GraphDeltaPage, GraphError>> ContinueDeltaAsync(GraphMailbox mailbox, string link, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        ArgumentException.ThrowIfNullOrEmpty(link);

        // The bearer token goes only to the Graph URL the listener names; a link elsewhere (an old Graph URL) starts over.
        return Uri.TryCreate(link, UriKind.Absolute, out var uri) && IsUnder(uri, mailbox.GraphUrl)
            ? DeltaAsync(mailbox, uri, pageSize, cancellationToken)
            : Task.FromResult<Result<GraphDeltaPage, GraphError>>(new GraphError(GraphErrorKind.InvalidSyncState, $"The saved delta link is not under {mailbox.GraphUrl}; the delta starts over."));
    }

    private async Task<Result<GraphDeltaPage, GraphError>> DeltaAsync(GraphMailbox mailbox, Uri uri, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var answer = await GetJsonAsync(mailbox, "delta", uri, GraphJson.Default.WireMessagePage, $"{ImmutableIds}, odata.maxpagesize={pageSize}", cancellationToken);
        if (!answer.Succeeded)
        {
            return answer.Error;
        }

        var page = answer.Value;
        var next = page.DeltaLink ?? page.NextLink;
        if (next is null)
        {
            return new GraphError(GraphErrorKind.InvalidResponse, $"Microsoft Graph answered a delta for {mailbox.User} with neither @odata.nextLink nor @odata.deltaLink.");
        }

        // The next request carries the bearer token: a link that leaves the listener's Graph URL is never followed (nor saved
        // to be followed later), and starting over would only be sent the same link again.
        if (!Uri.TryCreate(next, UriKind.Absolute, out var link) || !IsUnder(link, mailbox.GraphUrl))
        {
            var where = Uri.TryCreate(next, UriKind.Absolute, out var other) ? $"{other.Scheme}://{other.Host}:{other.Port}" : "an unusable address";
            return new GraphError(
                GraphErrorKind.InvalidResponse,
                $"Microsoft Graph at {mailbox.GraphUrl.Host}:{mailbox.GraphUrl.Port} answered the delta for {mailbox.User} with a link to {where}, outside the listener's Graph URL {mailbox.GraphUrl}. Credo does not send the listener's token there, so this listener stops here; check that the Graph URL is the server's own address (Microsoft Graph is https://graph.microsoft.com/v1.0).");
        }

        return new GraphDeltaPage([.. (page.Value ?? []).Where(m => m.Removed is null && m.Id is not null).Select(Message)], next, page.DeltaLink is not null);
    }

    public Task<Result<byte[], GraphError>> GetMimeAsync(GraphMailbox mailbox, string messageId, CancellationToken cancellationToken) =>
        SendAsync<byte[]>(mailbox, "get MIME", HttpMethod.Get, Url(mailbox, $"messages/{Escape(messageId)}/$value"), null, ImmutableIds, 1,
            async (response, limit, ct) => await ReadAsync(response.Content, limit, ct), cancellationToken);

    public Task<Result<IReadOnlyList<Result<bool, GraphError>>, GraphError>> SetReadAsync(GraphMailbox mailbox, IReadOnlyList<string> messageIds, bool isRead, CancellationToken cancellationToken) =>
        ChangeAsync(mailbox, isRead ? "mark read" : "mark unread", messageIds, HttpMethod.Patch, "",
            JsonSerializer.SerializeToElement(new WireIsRead { IsRead = isRead }, GraphJson.Default.WireIsRead), cancellationToken);

    public Task<Result<IReadOnlyList<Result<bool, GraphError>>, GraphError>> MoveAsync(GraphMailbox mailbox, IReadOnlyList<string> messageIds, string destinationId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destinationId);
        return ChangeAsync(mailbox, "move", messageIds, HttpMethod.Post, "/move",
            JsonSerializer.SerializeToElement(new WireMove { DestinationId = destinationId }, GraphJson.Default.WireMove), cancellationToken);
    }

    public async Task<Result<GraphSubscription, GraphError>> SubscribeAsync(GraphMailbox mailbox, GraphSubscriptionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = new WireSubscription
        {
            ChangeType = "created",
            Resource = $"users/{mailbox.User}/mailFolders('{request.FolderId}')/messages",
            NotificationUrl = request.NotificationUrl.AbsoluteUri,
            LifecycleNotificationUrl = request.LifecycleNotificationUrl.AbsoluteUri,
            ClientState = request.ClientState,
            ExpirationDateTime = request.ExpiresAt.ToUniversalTime(),
            LatestSupportedTlsVersion = "v1_2",
        };
        return Subscription(await SendAsync(mailbox, "subscribe", HttpMethod.Post, new Uri(Base(mailbox) + "/subscriptions"),
            Content(body, GraphJson.Default.WireSubscription),
            ImmutableIds, 1, ReadSubscriptionAsync, cancellationToken), "subscribe");
    }

    public async Task<Result<GraphSubscription, GraphError>> RenewSubscriptionAsync(GraphMailbox mailbox, string subscriptionId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var body = new WireSubscription { ExpirationDateTime = expiresAt.ToUniversalTime() };
        return Subscription(await SendAsync(mailbox, "renew subscription", HttpMethod.Patch, SubscriptionUrl(mailbox, subscriptionId),
            Content(body, GraphJson.Default.WireSubscription),
            ImmutableIds, 1, ReadSubscriptionAsync, cancellationToken), "renew subscription");
    }

    public Task<Result<bool, GraphError>> ReauthorizeSubscriptionAsync(GraphMailbox mailbox, string subscriptionId, CancellationToken cancellationToken) =>
        SendAsync(mailbox, "reauthorize subscription", HttpMethod.Post, new Uri(SubscriptionUrl(mailbox, subscriptionId) + "/reauthorize"), null, ImmutableIds, 1,
            (_, _, _) => Task.FromResult<Result<bool, GraphError>>(true), cancellationToken);

    public async Task<Result<bool, GraphError>> DeleteSubscriptionAsync(GraphMailbox mailbox, string subscriptionId, CancellationToken cancellationToken)
    {
        var deleted = await SendAsync(mailbox, "delete subscription", HttpMethod.Delete, SubscriptionUrl(mailbox, subscriptionId), null, ImmutableIds, 1,
            (_, _, _) => Task.FromResult<Result<bool, GraphError>>(true), cancellationToken);
        return deleted.Error is { HttpStatus: 404 } ? true : deleted;
    }

    public void Dispose()
    {
        foreach (var gate in _gates.Values)
        {
            gate.Dispose();
        }
    }

    // One message alone is one request; more go in one JSON batch whose requests Graph runs up to four at once.
    private async Task<Result<IReadOnlyList<Result<bool, GraphError>>, GraphError>> ChangeAsync(
        GraphMailbox mailbox, string operation, IReadOnlyList<string> messageIds, HttpMethod method, string suffix, JsonElement body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        ArgumentOutOfRangeException.ThrowIfLessThan(messageIds.Count, 1, nameof(messageIds));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(messageIds.Count, GraphLimits.MaxRequestsPerBatch, nameof(messageIds));
        if (messageIds.Count == 1)
        {
            var single = await SendAsync(mailbox, operation, method, Url(mailbox, $"messages/{Escape(messageIds[0])}{suffix}"), Content(body), ImmutableIds, 1,
                (_, _, _) => Task.FromResult<Result<bool, GraphError>>(true), cancellationToken);
            return single.Succeeded || single.Error.Kind == GraphErrorKind.ItemNotFound
                ? Result.Success<IReadOnlyList<Result<bool, GraphError>>>([single])
                : single.Error;
        }

        var batch = new WireBatch();
        for (var i = 0; i < messageIds.Count; i++)
        {
            batch.Requests.Add(new WireBatchRequest
            {
                Id = (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                Method = method.Method,
                Url = $"/users/{Escape(mailbox.User)}/messages/{Escape(messageIds[i])}{suffix}",
                Headers = new() { ["Content-Type"] = "application/json", ["Prefer"] = ImmutableIds },
                Body = body,
            });
        }

        var content = Content(batch, GraphJson.Default.WireBatch);
        var slots = Math.Min(messageIds.Count, GraphLimits.MailboxConcurrency);
        var answer = await SendAsync<WireBatchAnswer>(mailbox, operation, HttpMethod.Post, new Uri(Base(mailbox) + "/$batch"), content, ImmutableIds, slots,
            async (response, limit, ct) => Deserialize(await ReadAsync(response.Content, limit, ct), GraphJson.Default.WireBatchAnswer),
            cancellationToken);
        if (!answer.Succeeded)
        {
            return answer.Error;
        }

        var byId = (answer.Value.Responses ?? []).Where(r => r.Id is not null).ToDictionary(r => r.Id!, StringComparer.Ordinal);
        var results = new Result<bool, GraphError>[messageIds.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = !byId.TryGetValue(batch.Requests[i].Id, out var response)
                ? new GraphError(GraphErrorKind.InvalidResponse, $"Microsoft Graph's batch answer for {operation} has no response {batch.Requests[i].Id}.")
                : response.Status is >= 200 and < 300 ? true
                : GraphErrors.From(response, operation, mailbox.User);
        }

        return results;
    }

    private Task<Result<T, GraphError>> GetJsonAsync<T>(GraphMailbox mailbox, string operation, Uri uri, JsonTypeInfo<T> type, string prefer, CancellationToken cancellationToken)
        where T : class =>
        SendAsync<T>(mailbox, operation, HttpMethod.Get, uri, null, prefer, 1,
            async (response, limit, ct) => Deserialize(await ReadAsync(response.Content, limit, ct), type), cancellationToken);

    private async Task<Result<T, GraphError>> SendAsync<T>(
        GraphMailbox mailbox,
        string operation,
        HttpMethod method,
        Uri uri,
        HttpContent? content,
        string prefer,
        int slots,
        Func<HttpResponseMessage, long, CancellationToken, Task<Result<T, GraphError>>> read,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        var settings = options.CurrentValue;
        var gate = _gates.GetOrAdd(Base(mailbox) + "|" + mailbox.User, _ => new MailboxGate(settings.MaxConcurrentRequestsPerMailbox));
        using var activity = GraphActivities.Start(operation, uri);
        var started = timeProvider.GetTimestamp();
        Result<T, GraphError> result;
        using (await gate.EnterAsync(slots, cancellationToken))
        {
            result = await SendOnceAsync(mailbox, operation, method, uri, content, prefer, settings, read, cancellationToken);
        }

        if (!result.Succeeded && result.Error.Kind != GraphErrorKind.ItemNotFound)
        {
            GraphActivities.Failed(activity, result.Error);
        }

        Log.Call(logger, operation, mailbox.User, (long)timeProvider.GetElapsedTime(started).TotalMilliseconds);
        if (!result.Succeeded && result.Error.Kind != GraphErrorKind.ItemNotFound)
        {
            Log.Failed(logger, operation, mailbox.User, result.Error.Kind, result.Error.Code, result.Error.Message, result.Error.RequestId);
        }

        return result;
    }

    private async Task<Result<T, GraphError>> SendOnceAsync<T>(
        GraphMailbox mailbox,
        string operation,
        HttpMethod method,
        Uri uri,
        HttpContent? content,
        string prefer,
        GraphOptions settings,
        Func<HttpResponseMessage, long, CancellationToken, Task<Result<T, GraphError>>> read,
        CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(settings.Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.TryAddWithoutValidation("Prefer", prefer);
        request.Options.Set(AccessTokenHandler.TokenSource, mailbox.Tokens);
        try
        {
            using var response = await httpClientFactory.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            if (!response.IsSuccessStatusCode)
            {
                byte[] body;
                try
                {
                    body = await ReadAsync(response.Content, MaxErrorBytes, linked.Token);
                }
                catch (GraphFormatException)
                {
                    body = [];
                }

                return GraphErrors.From((int)response.StatusCode, body, GraphErrors.RetryAfter(response.Headers.RetryAfter, timeProvider.GetUtcNow()), operation, mailbox.User);
            }

            return await read(response, settings.MaxResponseBytes, linked.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested && !timeout.IsCancellationRequested
            && ConnectionFailure.Of(e, uri.Host, uri.Port) is { } failure)
        {
            return new GraphError(GraphErrorKind.Transport, $"Microsoft Graph {operation}: {failure.Message}") { Connection = failure };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new GraphError(GraphErrorKind.Timeout, $"Microsoft Graph {operation}: {uri.Host}:{uri.Port} did not answer within {settings.Timeout.TotalSeconds:0.#} s.");
        }
        catch (AccessTokenUnavailableException e)
        {
            return new GraphError(GraphErrorKind.TokenUnavailable, $"No access token: {e.Failure.Message}") { TokenFailure = e.Failure };
        }
        catch (HttpRequestException e)
        {
            var failure = ConnectionFailure.Of(e, uri.Host, uri.Port);
            return new GraphError(
                failure?.Kind == ConnectionFailureKind.HostNotFound ? GraphErrorKind.HostNotFound : GraphErrorKind.Transport,
                $"Microsoft Graph {operation}: {failure?.Message ?? $"Cannot reach {uri.Host}:{uri.Port}: {e.Message}"}")
            {
                Connection = failure,
            };
        }
        catch (Exception e) when (e is JsonException or GraphFormatException)
        {
            return new GraphError(GraphErrorKind.InvalidResponse, $"The answer to Microsoft Graph {operation} is not usable: {e.Message}");
        }
    }

    // Reads a whole answer without holding more than the limit; a MIME of known length lands in one array of its size.
    private static async Task<byte[]> ReadAsync(HttpContent content, long limit, CancellationToken cancellationToken)
    {
        var length = content.Headers.ContentLength;
        if (length > limit)
        {
            throw new GraphFormatException($"the answer is larger than {limit / 1024} KiB");
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        if (length is { } known)
        {
            var bytes = new byte[known];
            await stream.ReadExactlyAsync(bytes, cancellationToken);
            return bytes;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new GraphFormatException($"the answer is larger than {limit / 1024} KiB");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static T Deserialize<T>(byte[] json, JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(json, type) ?? throw new GraphFormatException("the answer is JSON null");

    private static ByteArrayContent Content(JsonElement body) =>
        new(JsonSerializer.SerializeToUtf8Bytes(body)) { Headers = { ContentType = Json } };

    private static ByteArrayContent Content<T>(T body, JsonTypeInfo<T> type) =>
        new(JsonSerializer.SerializeToUtf8Bytes(body, type)) { Headers = { ContentType = Json } };

    private static GraphFolder Folder(WireFolder folder) => new(
        folder.Id ?? throw new GraphFormatException("a folder has no id"),
        folder.DisplayName ?? "",
        folder.TotalItemCount ?? 0,
        folder.UnreadItemCount ?? 0);

    private static GraphMessage Message(WireMessage m) => new(
        m.Id ?? throw new GraphFormatException("a message has no id"),
        m.InternetMessageId,
        Address(m.From),
        [.. (m.ToRecipients ?? []).Select(Address).OfType<GraphAddress>()],
        [.. (m.CcRecipients ?? []).Select(Address).OfType<GraphAddress>()],
        m.Subject,
        m.ReceivedDateTime,
        m.HasAttachments == true,
        m.IsRead == true);

    private static GraphAddress? Address(WireRecipient? recipient) =>
        recipient?.EmailAddress is { } address ? new GraphAddress(address.Name, address.Address) : null;

    private static Uri SubscriptionUrl(GraphMailbox mailbox, string subscriptionId) => new($"{Base(mailbox)}/subscriptions/{Escape(subscriptionId)}");

    private static async Task<Result<WireSubscription, GraphError>> ReadSubscriptionAsync(HttpResponseMessage response, long limit, CancellationToken cancellationToken) =>
        Deserialize(await ReadAsync(response.Content, limit, cancellationToken), GraphJson.Default.WireSubscription);

    private static Result<GraphSubscription, GraphError> Subscription(Result<WireSubscription, GraphError> answer, string operation) =>
        !answer.Succeeded ? answer.Error
        : answer.Value is { Id: { Length: > 0 } id, ExpirationDateTime: { } expires } ? new GraphSubscription(id, expires)
        : new GraphError(GraphErrorKind.InvalidResponse, $"The answer to Microsoft Graph {operation} names no subscription id or expiry.");

    private static string Base(GraphMailbox mailbox) => mailbox.GraphUrl.AbsoluteUri.TrimEnd('/');

    private static Uri Url(GraphMailbox mailbox, string relative) => new($"{Base(mailbox)}/users/{Escape(mailbox.User)}/{relative}");

    private static string Escape(string value) => Uri.EscapeDataString(value);

    private static bool IsUnder(Uri link, Uri graphUrl) =>
        Uri.Compare(link, graphUrl, UriComponents.SchemeAndServer, UriFormat.SafeUnescaped, StringComparison.OrdinalIgnoreCase) == 0
        && link.AbsolutePath.StartsWith(graphUrl.AbsolutePath.TrimEnd('/') + "/", StringComparison.OrdinalIgnoreCase);
}
