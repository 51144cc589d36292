using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Credo.Sandbox.Ews;

namespace Credo.Sandbox.Graph;

/// <summary>The Graph mail requests, run under the mailbox's lock; each returns the whole answer.</summary>
internal static partial class GraphOperations
{
    private const int DefaultDeltaPageSize = 10;
    private const int DefaultFolderPageSize = 10;
    private const int MaxPageSize = 1000;

    public static GraphAnswer GetFolder(GraphCall call, string folderRef) =>
        GraphIds.FindFolder(call.Mailbox, folderRef) is { } folder
            ? GraphAnswer.WithJson(200, GraphResponseWriter.Write(w => GraphResponseWriter.Folder(w, call.Mailbox, folder)))
            : call.NotFound();

    /// <summary>The child folders of <paramref name="parentRef"/> (the root for <see langword="null"/>), filtered and paged.</summary>
    public static GraphAnswer ListFolders(GraphCall call, string? parentRef)
    {
        var parent = parentRef is null ? call.Mailbox.FindWellKnown("msgfolderroot") : GraphIds.FindFolder(call.Mailbox, parentRef);
        if (parent is null)
        {
            return call.NotFound();
        }

        var filter = call.Request.QueryValue("$filter");
        string? name = null;
        if (!string.IsNullOrWhiteSpace(filter))
        {
            var match = DisplayNameFilter().Match(filter);
            if (!match.Success)
            {
                return GraphErrors.Answer(400, "ErrorInvalidUrlQueryFilter", "The sandbox filters folders only with displayName eq 'Name'.", call.Request, call.Now);
            }

            name = match.Groups["name"].Value.Replace("''", "'", StringComparison.Ordinal);
        }

        if (!TryNumber(call.Request.QueryValue("$top"), DefaultFolderPageSize, out var top) || !TryNumber(call.Request.QueryValue("$skip"), 0, out var skip))
        {
            return call.BadRequest("$top and $skip take a number that is not negative.");
        }

        top = Math.Clamp(top, 1, MaxPageSize);
        var matching = call.Mailbox.ChildrenOf(parent.Id)
            .Where(f => name is null || string.Equals(f.DisplayName, name, StringComparison.OrdinalIgnoreCase))
            .ToList();
        var page = matching.Skip(skip).Take(top).ToList();
        var path = parentRef is null ? "mailFolders" : $"mailFolders/{Uri.EscapeDataString(parentRef)}/childFolders";
        return GraphAnswer.WithJson(200, GraphResponseWriter.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("@odata.context", call.Request.LinkBase + "$metadata#users('" + call.User + "')/mailFolders");
            w.WriteStartArray("value");
            foreach (var folder in page)
            {
                GraphResponseWriter.Folder(w, call.Mailbox, folder);
            }

            w.WriteEndArray();
            if (skip + page.Count < matching.Count)
            {
                var query = (filter is null ? "" : "%24filter=" + Uri.EscapeDataString(filter) + "&")
                    + "%24top=" + top.ToString(CultureInfo.InvariantCulture) + "&%24skip=" + (skip + page.Count).ToString(CultureInfo.InvariantCulture);
                w.WriteString("@odata.nextLink", call.UserLink + path + "?" + query);
            }

            w.WriteEndObject();
        }));
    }

    /// <summary>
    /// <c>messages/delta</c>: the messages created in the folder since the token (all of them without one), oldest
    /// first, a page at a time; a <c>$skiptoken</c> continues a round, a <c>$deltatoken</c> starts the next one.
    /// </summary>
    public static GraphAnswer Delta(GraphCall call, string folderRef, SyncStateCodec tokens)
    {
        if (GraphIds.FindFolder(call.Mailbox, folderRef) is not { } folder)
        {
            return call.NotFound();
        }

        long watermark = 0;
        var selectText = call.Request.QueryValue("$select");
        var skipToken = call.Request.QueryValue("$skiptoken");
        var deltaToken = call.Request.QueryValue("$deltatoken");
        if (skipToken is not null || deltaToken is not null)
        {
            if (!DeltaToken.TryRead(tokens, skipToken is not null ? DeltaToken.Skip : DeltaToken.Delta, skipToken ?? deltaToken!, folder.Id, out var token))
            {
                return GraphErrors.SyncStateNotFound(call.Request, call.Now);
            }

            watermark = token.Watermark;
            selectText ??= token.Select;
        }

        if (!GraphSelect.TryParse(selectText, out var select, out var unknown))
        {
            return GraphErrors.Answer(400, "RequestBroker--ParseUri", $"Could not find a property named '{unknown}' on type 'microsoft.graph.message'.", call.Request, call.Now);
        }

        var pageSize = Math.Clamp(call.Request.Preferences.MaxPageSize ?? DefaultDeltaPageSize, 1, MaxPageSize);
        var page = new List<SandboxItem>(pageSize);
        var position = watermark;
        var more = false;
        foreach (var (sequence, item) in Arrivals(call.Mailbox, folder, watermark))
        {
            if (page.Count == pageSize)
            {
                more = true;
                break;
            }

            page.Add(item);
            position = sequence;
        }

        var link = call.UserLink + "mailFolders('" + GraphIds.ToRest(folder.Id) + "')/messages/delta?";
        link += more
            ? "%24skiptoken=" + DeltaToken.Write(tokens, DeltaToken.Skip, folder.Id, position, select.Text)
            : "%24deltatoken=" + DeltaToken.Write(tokens, DeltaToken.Delta, folder.Id, Math.Max(position, call.Mailbox.Sequence), select.Text);
        var answer = GraphAnswer.WithJson(200, GraphResponseWriter.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("@odata.context", call.Request.LinkBase + "$metadata#Collection(message)");
            w.WriteString(more ? "@odata.nextLink" : "@odata.deltaLink", link);
            w.WriteStartArray("value");
            foreach (var item in page)
            {
                GraphResponseWriter.Item(w, item, select, call.ImmutableIds);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }));
        if (call.Request.Preferences.MaxPageSize is { } asked)
        {
            answer.WithHeader("Preference-Applied", "odata.maxpagesize=" + asked.ToString(CultureInfo.InvariantCulture));
        }

        return answer;
    }

    /// <summary>The messages of a folder, newest first as Graph lists them, paged with <c>$top</c> and <c>$skip</c>.</summary>
    public static GraphAnswer ListMessages(GraphCall call, string folderRef)
    {
        if (GraphIds.FindFolder(call.Mailbox, folderRef) is not { } folder)
        {
            return call.NotFound();
        }

        if (!GraphSelect.TryParse(call.Request.QueryValue("$select"), out var select, out var unknown))
        {
            return GraphErrors.Answer(400, "RequestBroker--ParseUri", $"Could not find a property named '{unknown}' on type 'microsoft.graph.message'.", call.Request, call.Now);
        }

        if (!TryNumber(call.Request.QueryValue("$top"), DefaultFolderPageSize, out var top) || !TryNumber(call.Request.QueryValue("$skip"), 0, out var skip))
        {
            return call.BadRequest("$top and $skip take a number that is not negative.");
        }

        top = Math.Clamp(top, 1, MaxPageSize);
        var items = Arrivals(call.Mailbox, folder, after: 0).Select(a => a.Item).ToList();
        var page = Enumerable.Reverse(items).Skip(skip).Take(top).ToList();
        return GraphAnswer.WithJson(200, GraphResponseWriter.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("@odata.context", call.Request.LinkBase + "$metadata#users('" + call.User + "')/mailFolders('" + GraphIds.ToRest(folder.Id) + "')/messages");
            w.WriteStartArray("value");
            foreach (var item in page)
            {
                GraphResponseWriter.Item(w, item, select, call.ImmutableIds);
            }

            w.WriteEndArray();
            if (skip + page.Count < items.Count)
            {
                var query = (select.Text is null ? "" : "%24select=" + Uri.EscapeDataString(select.Text) + "&")
                    + "%24top=" + top.ToString(CultureInfo.InvariantCulture) + "&%24skip=" + (skip + page.Count).ToString(CultureInfo.InvariantCulture);
                w.WriteString("@odata.nextLink", call.UserLink + "mailFolders('" + GraphIds.ToRest(folder.Id) + "')/messages?" + query);
            }

            w.WriteEndObject();
        }));
    }

    public static GraphAnswer GetMessage(GraphCall call, string id)
    {
        if (GraphIds.FindMessage(call.Mailbox, id) is not { } item)
        {
            return call.NotFound();
        }

        if (!GraphSelect.TryParse(call.Request.QueryValue("$select"), out var select, out var unknown))
        {
            return GraphErrors.Answer(400, "RequestBroker--ParseUri", $"Could not find a property named '{unknown}' on type 'microsoft.graph.message'.", call.Request, call.Now);
        }

        return MessageAnswer(call, 200, item, select);
    }

    /// <summary><c>$value</c>: the MIME, which Graph labels <c>text/plain</c>.</summary>
    public static GraphAnswer GetMime(GraphCall call, string id) =>
        GraphIds.FindMessage(call.Mailbox, id) is { } item ? GraphAnswer.WithContent(200, item.Mime, "text/plain") : call.NotFound();

    public static GraphAnswer Patch(GraphCall call, string id)
    {
        if (GraphIds.FindMessage(call.Mailbox, id) is not { } item)
        {
            return call.NotFound();
        }

        if (!TryRead(call.Request.Body, GraphJsonContext.Default.GraphPatchRequest, out var patch))
        {
            return call.BadRequest("The request body is not a JSON message.");
        }

        if (patch.IsRead is { } isRead)
        {
            call.Mailbox.SetRead(item, isRead);
        }

        return MessageAnswer(call, 200, item, GraphSelect.All);
    }

    public static GraphAnswer Move(GraphCall call, string id)
    {
        if (GraphIds.FindMessage(call.Mailbox, id) is not { } item)
        {
            return call.NotFound();
        }

        if (!TryRead(call.Request.Body, GraphJsonContext.Default.GraphMoveRequest, out var move) || string.IsNullOrWhiteSpace(move.DestinationId))
        {
            return call.BadRequest("Give destinationId: a folder id or a well-known folder name such as deleteditems.");
        }

        if (GraphIds.FindFolder(call.Mailbox, move.DestinationId) is not { } target)
        {
            return call.NotFound();
        }

        return MessageAnswer(call, 201, call.Mailbox.Move(item, target.Id), GraphSelect.All);
    }

    /// <summary>
    /// The messages that arrived in the folder (delivered or moved in) after change <paramref name="after"/> and are
    /// still there, in the order they arrived: the folder's change log orders them even when two share a timestamp.
    /// </summary>
    private static IEnumerable<(long Sequence, SandboxItem Item)> Arrivals(SandboxMailbox mailbox, SandboxFolder folder, long after)
    {
        foreach (var change in folder.Changes)
        {
            if (change.Sequence > after && change.Kind == SandboxChangeKind.Create
                && mailbox.FindItem(change.ItemId) is { } item && item.FolderId == folder.Id)
            {
                yield return (change.Sequence, item);
            }
        }
    }

    private static GraphAnswer MessageAnswer(GraphCall call, int status, SandboxItem item, GraphSelect select) =>
        GraphAnswer.WithJson(status, GraphResponseWriter.Write(w => GraphResponseWriter.Item(w, item, select, call.ImmutableIds)));

    private static bool TryRead<T>(ReadOnlyMemory<byte> body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, out T value)
        where T : class
    {
        value = null!;
        try
        {
            value = JsonSerializer.Deserialize(body.Span, type)!;
            return value is not null;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryNumber(string? text, int fallback, out int value)
    {
        value = fallback;
        return text is null || (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 0);
    }

    [GeneratedRegex(@"^\s*displayName\s+eq\s+'(?<name>(?:[^']|'')*)'\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DisplayNameFilter();
}
