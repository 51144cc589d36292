using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Xml;
using System.Xml.Linq;
using Credo.Net;
using Credo.Net.Outbound;
using Credo.OAuth;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Credo.Ews.Internal;

/// <summary>
/// The EWS calls over <see cref="HttpClient"/> with <see cref="AccessTokenHandler"/>: each request carries the
/// impersonation header and <c>X-AnchorMailbox</c>, at most <see cref="EwsOptions.MaxConcurrentRequestsPerMailbox"/>
/// run per mailbox, and each answer is read streaming and size-capped.
/// </summary>
internal sealed class EwsClient(
    IHttpClientFactory httpClientFactory,
    IOptionsMonitor<EwsOptions> options,
    TimeProvider timeProvider,
    ILogger<EwsClient> logger) : IEwsClient
{
    public const string HttpClientName = "Credo.Ews";

    private static readonly MediaTypeHeaderValue TextXml = new("text/xml") { CharSet = "utf-8" };
    private static readonly string[] MessageProperties =
    [
        "item:Subject", "item:DateTimeReceived", "item:Size", "item:HasAttachments",
        "message:InternetMessageId", "message:From", "message:ToRecipients", "message:CcRecipients", "message:IsRead",
    ];

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.OrdinalIgnoreCase);

    public async Task<Result<SyncFolderItemsResult, EwsError>> SyncFolderItemsAsync(EwsMailbox mailbox, EwsFolderId folder, string? syncState, int maxChanges, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChanges, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxChanges, 512);
        var answer = await CallAsync(mailbox, "SyncFolderItems", w =>
        {
            w.M("SyncFolderItems");
            w.M("ItemShape");
            w.TValue("BaseShape", "IdOnly");
            w.WriteEndElement();
            w.M("SyncFolderId");
            w.FolderId(folder);
            w.WriteEndElement();
            if (syncState is not null)
            {
                w.MValue("SyncState", syncState);
            }

            w.MValue("MaxChangesReturned", maxChanges.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.MValue("SyncScope", "NormalItems");
            w.WriteEndElement();
        }, cancellationToken);
        return Single(answer, message =>
        {
            var m = EwsNames.M;
            var changes = new List<SyncChange>();
            foreach (var change in message.Element(m + "Changes")?.Elements() ?? [])
            {
                changes.Add(change.Name.LocalName switch
                {
                    "Create" => new SyncChange(SyncChangeKind.Create, EwsItemReader.ItemId(EwsItemReader.FirstItem(change)?.Element(EwsNames.T + "ItemId"))),
                    "Update" => new SyncChange(SyncChangeKind.Update, EwsItemReader.ItemId(EwsItemReader.FirstItem(change)?.Element(EwsNames.T + "ItemId"))),
                    "Delete" => new SyncChange(SyncChangeKind.Delete, EwsItemReader.ItemId(change.Element(EwsNames.T + "ItemId"))),
                    "ReadFlagChange" => new SyncChange(SyncChangeKind.ReadFlagChange, EwsItemReader.ItemId(change.Element(EwsNames.T + "ItemId")), EwsItemReader.Bool(change.Element(EwsNames.T + "IsRead"))),
                    _ => throw new EwsFormatException($"unknown sync change {change.Name.LocalName}"),
                });
            }

            return new SyncFolderItemsResult(
                (string?)message.Element(m + "SyncState") ?? throw new EwsFormatException("SyncFolderItems answered no SyncState"),
                EwsItemReader.Bool(message.Element(m + "IncludesLastItemInRange")) ?? true,
                changes);
        });
    }

    public async Task<Result<IReadOnlyList<Result<EwsMessage, EwsError>>, EwsError>> GetItemsAsync(EwsMailbox mailbox, IReadOnlyList<EwsItemId> itemIds, bool includeMime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(itemIds);
        ArgumentOutOfRangeException.ThrowIfLessThan(itemIds.Count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(itemIds.Count, 10);
        var answer = await CallAsync(mailbox, "GetItem", w =>
        {
            w.M("GetItem");
            w.M("ItemShape");
            w.TValue("BaseShape", "IdOnly");
            w.TValue("IncludeMimeContent", includeMime ? "true" : "false");
            w.T("AdditionalProperties");
            foreach (var property in MessageProperties)
            {
                w.FieldUri(property);
            }

            w.WriteEndElement();
            w.WriteEndElement();
            w.M("ItemIds");
            foreach (var id in itemIds)
            {
                w.ItemId(id);
            }

            w.WriteEndElement();
            w.WriteEndElement();
        }, cancellationToken);
        return PerItem(answer, itemIds.Count, message => EwsItemReader.Message(
            EwsItemReader.FirstItem(message.Element(EwsNames.M + "Items")) ?? throw new EwsFormatException("GetItem answered no item")));
    }

    public async Task<Result<IReadOnlyList<Result<EwsItemId, EwsError>>, EwsError>> SetReadAsync(EwsMailbox mailbox, IReadOnlyList<EwsItemId> itemIds, bool isRead, CancellationToken cancellationToken)
    {
        RequireChangeBatch(itemIds);
        var answer = await CallAsync(mailbox, "UpdateItem", w =>
        {
            w.M("UpdateItem");
            w.WriteAttributeString("MessageDisposition", "SaveOnly");
            w.WriteAttributeString("ConflictResolution", "AutoResolve");
            w.M("ItemChanges");
            foreach (var id in itemIds)
            {
                w.T("ItemChange");
                w.ItemId(id);
                w.T("Updates");
                w.T("SetItemField");
                w.FieldUri("message:IsRead");
                w.T("Message");
                w.TValue("IsRead", isRead ? "true" : "false");
                w.WriteEndElement();
                w.WriteEndElement();
                w.WriteEndElement();
                w.WriteEndElement();
            }

            w.WriteEndElement();
            w.WriteEndElement();
        }, cancellationToken);
        return PerItem(answer, itemIds.Count, (message, i) => NewItemId(message, itemIds[i]));
    }

    public async Task<Result<IReadOnlyList<Result<EwsItemId, EwsError>>, EwsError>> MoveItemsAsync(EwsMailbox mailbox, IReadOnlyList<EwsItemId> itemIds, EwsFolderId target, CancellationToken cancellationToken)
    {
        RequireChangeBatch(itemIds);
        var answer = await CallAsync(mailbox, "MoveItem", w =>
        {
            w.M("MoveItem");
            w.M("ToFolderId");
            w.FolderId(target);
            w.WriteEndElement();
            w.M("ItemIds");
            foreach (var id in itemIds)
            {
                w.ItemId(id);
            }

            w.WriteEndElement();
            w.WriteEndElement();
        }, cancellationToken);
        return PerItem(answer, itemIds.Count, (message, i) => NewItemId(message, itemIds[i]));
    }

    public async Task<Result<IReadOnlyList<Result<bool, EwsError>>, EwsError>> DeleteItemsAsync(EwsMailbox mailbox, IReadOnlyList<EwsItemId> itemIds, CancellationToken cancellationToken)
    {
        RequireChangeBatch(itemIds);
        var answer = await CallAsync(mailbox, "DeleteItem", w =>
        {
            w.M("DeleteItem");
            w.WriteAttributeString("DeleteType", "MoveToDeletedItems");
            w.M("ItemIds");
            foreach (var id in itemIds)
            {
                w.ItemId(id);
            }

            w.WriteEndElement();
            w.WriteEndElement();
        }, cancellationToken);
        return PerItem(answer, itemIds.Count, _ => true);
    }

    public async Task<Result<EwsFolder, EwsError>> GetFolderAsync(EwsMailbox mailbox, EwsFolderId folder, CancellationToken cancellationToken)
    {
        var answer = await CallAsync(mailbox, "GetFolder", w =>
        {
            w.M("GetFolder");
            w.M("FolderShape");
            w.TValue("BaseShape", "Default");
            w.WriteEndElement();
            w.M("FolderIds");
            w.FolderId(folder, mailbox.SmtpAddress);
            w.WriteEndElement();
            w.WriteEndElement();
        }, cancellationToken);
        return Single(answer, message => EwsItemReader.Folder(
            message.Element(EwsNames.M + "Folders")?.Elements().FirstOrDefault() ?? throw new EwsFormatException("GetFolder answered no folder")));
    }

    public async Task<Result<IReadOnlyList<EwsFolder>, EwsError>> FindFoldersAsync(EwsMailbox mailbox, EwsFolderId parent, CancellationToken cancellationToken)
    {
        var answer = await CallAsync(mailbox, "FindFolder", w =>
        {
            w.M("FindFolder");
            w.WriteAttributeString("Traversal", "Shallow");
            w.M("FolderShape");
            w.TValue("BaseShape", "Default");
            w.WriteEndElement();
            w.M("ParentFolderIds");
            w.FolderId(parent, mailbox.SmtpAddress);
            w.WriteEndElement();
            w.WriteEndElement();
        }, cancellationToken);
        return Single<IReadOnlyList<EwsFolder>>(answer, message =>
            [.. (message.Element(EwsNames.M + "RootFolder")?.Element(EwsNames.T + "Folders")?.Elements() ?? []).Select(EwsItemReader.Folder)]);
    }

    public async Task<Result<EwsFolder, EwsError>> ResolveFolderAsync(EwsMailbox mailbox, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (segments.Length == 0)
        {
            return new EwsError(EwsErrorKind.FolderNotFound, "The folder path is empty; use Inbox or a path such as Inbox/Invoices.");
        }

        Result<EwsFolder, EwsError> current = EwsFolderId.TryWellKnown(segments[0], out var wellKnown)
            ? await GetFolderAsync(mailbox, wellKnown, cancellationToken)
            : await FindChildAsync(mailbox, EwsFolderId.MessageRoot, segments[0], path, cancellationToken);
        foreach (var segment in segments.Skip(1))
        {
            if (!current.Succeeded)
            {
                return current;
            }

            current = await FindChildAsync(mailbox, EwsFolderId.FromId(current.Value.FolderId), segment, path, cancellationToken);
        }

        return current;
    }

    public async Task<Result<FindItemsPage, EwsError>> FindItemsAsync(EwsMailbox mailbox, EwsFolderId folder, bool unreadOnly, int offset, int maxEntries, CancellationToken cancellationToken)
    {
        var answer = await CallAsync(mailbox, "FindItem", w =>
        {
            w.M("FindItem");
            w.WriteAttributeString("Traversal", "Shallow");
            w.M("ItemShape");
            w.TValue("BaseShape", "IdOnly");
            w.WriteEndElement();
            w.M("IndexedPageItemView");
            w.WriteAttributeString("MaxEntriesReturned", maxEntries.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteAttributeString("Offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteAttributeString("BasePoint", "Beginning");
            w.WriteEndElement();
            if (unreadOnly)
            {
                w.M("Restriction");
                w.T("IsEqualTo");
                w.FieldUri("message:IsRead");
                w.T("FieldURIOrConstant");
                w.T("Constant");
                w.WriteAttributeString("Value", "false");
                w.WriteEndElement();
                w.WriteEndElement();
                w.WriteEndElement();
                w.WriteEndElement();
            }

            w.M("ParentFolderIds");
            w.FolderId(folder, mailbox.SmtpAddress);
            w.WriteEndElement();
            w.WriteEndElement();
        }, cancellationToken);
        return Single(answer, message =>
        {
            var root = message.Element(EwsNames.M + "RootFolder") ?? throw new EwsFormatException("FindItem answered no RootFolder");
            var items = (root.Element(EwsNames.T + "Items")?.Elements() ?? []).Select(EwsItemReader.Message).ToList();
            return new FindItemsPage(
                items,
                (int?)root.Attribute("TotalItemsInView") ?? items.Count,
                (bool?)root.Attribute("IncludesLastItemInRange") ?? true,
                (int?)root.Attribute("IndexedPagingOffset") ?? offset + items.Count);
        });
    }

    private async Task<Result<EwsFolder, EwsError>> FindChildAsync(EwsMailbox mailbox, EwsFolderId parent, string name, string path, CancellationToken cancellationToken)
    {
        var children = await FindFoldersAsync(mailbox, parent, cancellationToken);
        if (!children.Succeeded)
        {
            return children.Error;
        }

        return children.Value.FirstOrDefault(f => string.Equals(f.DisplayName, name, StringComparison.OrdinalIgnoreCase)) is { } found
            ? found
            : new EwsError(EwsErrorKind.FolderNotFound, $"The folder \"{name}\" of the path \"{path}\" does not exist in {mailbox.SmtpAddress}.");
    }

    private static void RequireChangeBatch(IReadOnlyList<EwsItemId> itemIds)
    {
        ArgumentNullException.ThrowIfNull(itemIds);
        ArgumentOutOfRangeException.ThrowIfLessThan(itemIds.Count, 1, nameof(itemIds));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(itemIds.Count, EwsLimits.MaxItemsPerChange, nameof(itemIds));
    }

    // A success that names no item (MoveItem returns new ids only from Exchange 2010 SP1 on) leaves the id that was sent.
    private static EwsItemId NewItemId(XElement message, EwsItemId fallback) =>
        EwsItemReader.FirstItem(message.Element(EwsNames.M + "Items"))?.Element(EwsNames.T + "ItemId") is { } id ? EwsItemReader.ItemId(id) : fallback;

    private static Result<T, EwsError> Single<T>(Result<IReadOnlyList<XElement>, EwsError> answer, Func<XElement, T> read)
    {
        if (!answer.Succeeded)
        {
            return answer.Error;
        }

        if (answer.Value.Count == 0)
        {
            return new EwsError(EwsErrorKind.InvalidResponse, "The EWS answer has no response message.");
        }

        var message = answer.Value[0];
        return EwsResponseReader.ErrorOf(message) is { } error ? error : Read(message, read);
    }

    private static Result<IReadOnlyList<Result<T, EwsError>>, EwsError> PerItem<T>(Result<IReadOnlyList<XElement>, EwsError> answer, int expected, Func<XElement, T> read) =>
        PerItem(answer, expected, (message, _) => read(message));

    /// <summary>
    /// One result per item: EWS answers one response message per requested item, in request order, so message
    /// <c>i</c> belongs to item <c>i</c> and <paramref name="read"/> gets that index.
    /// </summary>
    private static Result<IReadOnlyList<Result<T, EwsError>>, EwsError> PerItem<T>(Result<IReadOnlyList<XElement>, EwsError> answer, int expected, Func<XElement, int, T> read)
    {
        if (!answer.Succeeded)
        {
            return answer.Error;
        }

        if (answer.Value.Count != expected)
        {
            return new EwsError(EwsErrorKind.InvalidResponse, $"The EWS answer has {answer.Value.Count} response messages for {expected} items.");
        }

        return Result.Success<IReadOnlyList<Result<T, EwsError>>>(
            [.. answer.Value.Select((message, i) => EwsResponseReader.ErrorOf(message) is { } error ? (Result<T, EwsError>)error : Read(message, m => read(m, i)))]);
    }

    private static Result<T, EwsError> Read<T>(XElement message, Func<XElement, T> read)
    {
        try
        {
            return Result.Success(read(message));
        }
        catch (Exception e) when (e is EwsFormatException or FormatException)
        {
            return new EwsError(EwsErrorKind.InvalidResponse, $"The EWS answer is not usable: {e.Message}.");
        }
    }

    private async Task<Result<IReadOnlyList<XElement>, EwsError>> CallAsync(EwsMailbox mailbox, string operation, Action<XmlWriter> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        var settings = options.CurrentValue;
        using var activity = EwsActivities.Start(operation);
        var gate = _gates.GetOrAdd(mailbox.EwsUrl + "|" + mailbox.SmtpAddress, _ => new SemaphoreSlim(settings.MaxConcurrentRequestsPerMailbox));
        await gate.WaitAsync(cancellationToken);
        var started = timeProvider.GetTimestamp();
        try
        {
            var result = await SendAsync(mailbox, operation, body, settings, cancellationToken);
            if (!result.Succeeded)
            {
                EwsActivities.Failed(activity, result.Error);
                Log.Failed(logger, operation, mailbox.SmtpAddress, result.Error.Kind, result.Error.ResponseCode, result.Error.Message);
            }

            return result;
        }
        finally
        {
            gate.Release();
            Log.Call(logger, operation, mailbox.SmtpAddress, (long)timeProvider.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    private async Task<Result<IReadOnlyList<XElement>, EwsError>> SendAsync(EwsMailbox mailbox, string operation, Action<XmlWriter> body, EwsOptions settings, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(settings.Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var request = new HttpRequestMessage(HttpMethod.Post, mailbox.EwsUrl)
        {
            Content = new ByteArrayContent(EwsRequestWriter.Write(settings.RequestServerVersion, mailbox.SmtpAddress, body)) { Headers = { ContentType = TextXml } },
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/xml"));
        request.Headers.TryAddWithoutValidation("X-AnchorMailbox", mailbox.SmtpAddress);
        request.Options.Set(AccessTokenHandler.TokenSource, mailbox.Tokens);
        try
        {
            using var response = await httpClientFactory.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            return await InterpretAsync(response, operation, settings, linked.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested && !timeout.IsCancellationRequested
            && ConnectionFailure.Of(e, mailbox.EwsUrl.Host, mailbox.EwsUrl.Port) is { } failure)
        {
            return new EwsError(EwsErrorKind.Transport, $"EWS {operation}: {failure.Message}") { Connection = failure };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new EwsError(EwsErrorKind.Timeout, $"EWS {operation}: {mailbox.EwsUrl.Host}:{mailbox.EwsUrl.Port} did not answer within {settings.Timeout.TotalSeconds:0.#} s.");
        }
        catch (AccessTokenUnavailableException e)
        {
            return new EwsError(EwsErrorKind.TokenUnavailable, $"No access token: {e.Failure.Message}") { TokenFailure = e.Failure };
        }
        catch (HttpRequestException e)
        {
            var failure = ConnectionFailure.Of(e, mailbox.EwsUrl.Host, mailbox.EwsUrl.Port);
            return new EwsError(
                failure?.Kind == ConnectionFailureKind.HostNotFound ? EwsErrorKind.HostNotFound : EwsErrorKind.Transport,
                $"EWS {operation}: {failure?.Message ?? $"Cannot reach {mailbox.EwsUrl.Host}:{mailbox.EwsUrl.Port}: {e.Message}"}")
            {
                Connection = failure,
            };
        }
        catch (Exception e) when (e is XmlException or EwsFormatException)
        {
            return new EwsError(EwsErrorKind.InvalidResponse, $"The answer to EWS {operation} is not a usable EWS response: {e.Message}");
        }
    }

    private static async Task<Result<IReadOnlyList<XElement>, EwsError>> InterpretAsync(HttpResponseMessage response, string operation, EwsOptions settings, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            var challenge = response.Headers.WwwAuthenticate.FirstOrDefault(h => h.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))?.Parameter;
            var diagnostics = response.Headers.TryGetValues("x-ms-diagnostics", out var values) ? values.FirstOrDefault() : null;
            return new EwsError(EwsErrorKind.Unauthorized, $"EWS refused the access token for {operation} (HTTP 401)" + (diagnostics is null ? "." : $": {diagnostics}"))
            {
                HttpStatus = status,
                AuthenticateError = ChallengeError(challenge),
                Diagnostics = diagnostics,
            };
        }

        if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            return new EwsError(EwsErrorKind.ServiceUnavailable, $"EWS is unavailable for {operation} (HTTP 503).")
            {
                HttpStatus = status,
                BackOff = response.Headers.RetryAfter?.Delta,
            };
        }

        var isXml = response.Content.Headers.ContentType?.MediaType is "text/xml" or "application/soap+xml" or "application/xml";
        if ((status != 200 && status != 500) || !isXml)
        {
            return new EwsError(EwsErrorKind.InvalidResponse, $"EWS answered {operation} with HTTP {status} and {response.Content.Headers.ContentType?.MediaType ?? "no content type"}, not a SOAP response.")
            {
                HttpStatus = status,
            };
        }

        if (response.Content.Headers.ContentLength > settings.MaxResponseBytes)
        {
            throw new EwsFormatException($"the answer is larger than {settings.MaxResponseBytes / (1024 * 1024)} MiB");
        }

        await using var stream = new LimitedReadStream(await response.Content.ReadAsStreamAsync(cancellationToken), settings.MaxResponseBytes);
        var answer = await EwsResponseReader.ReadAsync(stream, cancellationToken);
        if (answer.Fault is { } fault)
        {
            return fault;
        }

        return status == 200
            ? Result.Success(answer.Messages)
            : new EwsError(EwsErrorKind.InvalidResponse, $"EWS answered {operation} with HTTP {status} without a SOAP fault.") { HttpStatus = status };
    }

    private static string? ChallengeError(string? parameter)
    {
        const string Key = "error=\"";
        var start = parameter?.IndexOf(Key, StringComparison.OrdinalIgnoreCase) ?? -1;
        if (start < 0)
        {
            return null;
        }

        var end = parameter!.IndexOf('"', start + Key.Length);
        return end < 0 ? null : parameter[(start + Key.Length)..end];
    }
}
