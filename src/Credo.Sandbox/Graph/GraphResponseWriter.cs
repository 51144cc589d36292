using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Credo.Sandbox.Ews;

namespace Credo.Sandbox.Graph;

/// <summary>Writes Graph's JSON: folders, messages, collections and errors, with the property names Graph uses.</summary>
internal static class GraphResponseWriter
{
    public const string Message = "#microsoft.graph.message";

    // Graph writes quotes and apostrophes as they are; this JSON never lands in HTML.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary><c>{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}</c>.</summary>
    public static byte[] Error(string code, string message, GraphRequest request, DateTimeOffset now) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteString("code", code);
        w.WriteString("message", message);
        w.WriteStartObject("innerError");
        w.WriteString("date", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));
        w.WriteString("request-id", request.RequestId);
        w.WriteString("client-request-id", request.ClientRequestId);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    });

    public static void Folder(Utf8JsonWriter w, SandboxMailbox mailbox, SandboxFolder folder)
    {
        w.WriteStartObject();
        w.WriteString("id", GraphIds.ToRest(folder.Id));
        w.WriteString("displayName", folder.DisplayName);
        if (folder.ParentId is { } parent)
        {
            w.WriteString("parentFolderId", GraphIds.ToRest(parent));
        }

        w.WriteNumber("childFolderCount", mailbox.ChildrenOf(folder.Id).Count());
        w.WriteNumber("unreadItemCount", mailbox.Count(folder.Id, unreadOnly: true));
        w.WriteNumber("totalItemCount", mailbox.Count(folder.Id, unreadOnly: false));
        w.WriteBoolean("isHidden", false);
        w.WriteEndObject();
    }

    public static void Item(Utf8JsonWriter w, SandboxItem item, GraphSelect select, bool immutableIds)
    {
        w.WriteStartObject();
        w.WriteString("@odata.type", Message);
        w.WriteString("@odata.etag", "W/\"" + item.ChangeKey + "\"");
        w.WriteString("id", GraphIds.MessageId(item, immutableIds));
        foreach (var property in GraphSelect.MessageProperties)
        {
            if (select.Includes(property))
            {
                Property(w, item, property);
            }
        }

        w.WriteEndObject();
    }

    private static void Property(Utf8JsonWriter w, SandboxItem item, string property)
    {
        switch (property)
        {
            case "createdDateTime" or "lastModifiedDateTime" or "receivedDateTime" or "sentDateTime":
                w.WriteString(property, Timestamp(item.DateTimeReceived));
                break;
            case "changeKey":
                w.WriteString(property, item.ChangeKey);
                break;
            case "hasAttachments":
                w.WriteBoolean(property, item.HasAttachments);
                break;
            case "internetMessageId":
                w.WriteString(property, item.InternetMessageId);
                break;
            case "subject":
                w.WriteString(property, item.Subject);
                break;
            case "bodyPreview":
                w.WriteString(property, item.BodyPreview);
                break;
            case "parentFolderId":
                w.WriteString(property, GraphIds.ToRest(item.FolderId));
                break;
            case "isRead":
                w.WriteBoolean(property, item.IsRead);
                break;
            case "sender" or "from":
                if (item.From is { } from)
                {
                    w.WritePropertyName(property);
                    Recipient(w, from);
                }
                else
                {
                    w.WriteNull(property);
                }

                break;
            case "toRecipients":
                Recipients(w, property, item.To);
                break;
            case "ccRecipients":
                Recipients(w, property, item.Cc);
                break;
        }
    }

    private static void Recipients(Utf8JsonWriter w, string property, IReadOnlyList<(string? Name, string Address)> recipients)
    {
        w.WriteStartArray(property);
        foreach (var recipient in recipients)
        {
            Recipient(w, recipient);
        }

        w.WriteEndArray();
    }

    private static void Recipient(Utf8JsonWriter w, (string? Name, string Address) recipient)
    {
        w.WriteStartObject();
        w.WriteStartObject("emailAddress");
        // Exchange puts the address in the name when the sender gave none.
        w.WriteString("name", string.IsNullOrEmpty(recipient.Name) ? recipient.Address : recipient.Name);
        w.WriteString("address", recipient.Address);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
