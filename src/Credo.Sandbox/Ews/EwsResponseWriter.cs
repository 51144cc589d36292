using System.Collections.Frozen;
using System.Text;
using System.Xml;

namespace Credo.Sandbox.Ews;

/// <summary>
/// Writes answers as Exchange Online does: <c>h:ServerVersionInfo</c> in the header, schema-ordered elements. Text that
/// XML 1.0 cannot carry (U+0000 and the other C0 controls but tab, line feed and carriage return; U+FFFE, U+FFFF; a
/// lone surrogate), as a mail's subject or sender may hold, is dropped from the answer (<see cref="XmlText"/>) rather
/// than failing it: the answer stays well-formed and schema-valid, and the mail can still be read.
/// </summary>
internal static class EwsResponseWriter
{
    public const string Soap = "http://schemas.xmlsoap.org/soap/envelope/";
    public const string Messages = "http://schemas.microsoft.com/exchange/services/2006/messages";
    public const string Types = "http://schemas.microsoft.com/exchange/services/2006/types";
    public const string Errors = "http://schemas.microsoft.com/exchange/services/2006/errors";

    private static readonly XmlWriterSettings Settings = new() { Encoding = new UTF8Encoding(false), Indent = false };

    // Every operation whose response message is ItemInfoResponseMessageType or derives from it, not only those the
    // sandbox implements: an injected fault answers whatever operation was asked with an error response message.
    private static readonly FrozenSet<string> ItemInfoOperations = FrozenSet.Create(
        StringComparer.Ordinal,
        "CreateItem",
        "GetItem",
        "UpdateItem",
        "UpdateItemInRecoverableItems",
        "MoveItem",
        "CopyItem",
        "ArchiveItem",
        "PostModernGroupItem");

    /// <summary>An envelope whose body is <c>m:{operation}Response/m:ResponseMessages</c> filled by <paramref name="messages"/>.</summary>
    public static PooledAnswer Response(string operation, Action<XmlWriter> messages) => Envelope(w =>
    {
        w.WriteStartElement("m", operation + "Response", Messages);
        w.WriteAttributeString("xmlns", "m", null, Messages);
        w.WriteAttributeString("xmlns", "t", null, Types);
        w.WriteStartElement("m", "ResponseMessages", Messages);
        messages(w);
        w.WriteEndElement();
        w.WriteEndElement();
    });

    /// <summary>A SOAP fault as Exchange sends for header-level errors.</summary>
    public static PooledAnswer Fault(string code, string message, int? backOffMilliseconds) => Envelope(w =>
    {
        w.WriteStartElement("s", "Fault", Soap);
        w.WriteStartElement("faultcode");
        w.WriteAttributeString("xmlns", "a", null, Types);
        w.WriteString("a:" + code);
        w.WriteEndElement();
        w.WriteStartElement("faultstring");
        w.WriteAttributeString("xml", "lang", null, "en-US");
        w.WriteString(XmlText(message));
        w.WriteEndElement();
        w.WriteStartElement("detail");
        w.WriteElementString("e", "ResponseCode", Errors, code);
        w.WriteElementString("e", "Message", Errors, XmlText(message));
        if (backOffMilliseconds is { } ms)
        {
            w.WriteStartElement("t", "MessageXml", Types);
            w.WriteStartElement("t", "Value", Types);
            w.WriteAttributeString("Name", "BackOffMilliseconds");
            w.WriteString(ms.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteEndElement();
            w.WriteEndElement();
        }

        w.WriteEndElement();
        w.WriteEndElement();
    });

    /// <summary>Starts <c>m:{operation}ResponseMessage</c> with <c>ResponseClass="Success"</c> and <c>NoError</c>; the caller ends it.</summary>
    public static void StartSuccess(this XmlWriter w, string operation)
    {
        w.WriteStartElement("m", operation + "ResponseMessage", Messages);
        w.WriteAttributeString("ResponseClass", "Success");
        w.WriteElementString("m", "ResponseCode", Messages, "NoError");
    }

    /// <summary>A whole error response message, with the empty <c>m:Items</c> of the operations whose schema requires it.</summary>
    public static void Error(this XmlWriter w, string operation, string code, string text)
    {
        w.WriteStartElement("m", operation + "ResponseMessage", Messages);
        w.WriteAttributeString("ResponseClass", "Error");
        w.WriteElementString("m", "MessageText", Messages, XmlText(text));
        w.WriteElementString("m", "ResponseCode", Messages, code);
        w.WriteElementString("m", "DescriptiveLinkKey", Messages, "0");
        if (ItemInfoOperations.Contains(operation))
        {
            // The schema requires m:Items even when the message carries no item; Exchange sends it empty.
            w.WriteStartElement("m", "Items", Messages);
            w.WriteEndElement();
        }

        w.WriteEndElement();
    }

    public static void T(this XmlWriter w, string name) => w.WriteStartElement("t", name, Types);

    public static void TValue(this XmlWriter w, string name, string value) => w.WriteElementString("t", name, Types, XmlText(value));

    public static void M(this XmlWriter w, string name) => w.WriteStartElement("m", name, Messages);

    public static void MValue(this XmlWriter w, string name, string value) => w.WriteElementString("m", name, Messages, XmlText(value));

    /// <summary><paramref name="text"/> without the characters XML 1.0 cannot carry; itself when it has none.</summary>
    public static string XmlText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        StringBuilder? kept = null;
        for (var i = 0; i < text.Length; i++)
        {
            var length = XmlConvert.IsXmlChar(text[i]) ? 1 : i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i]) ? 2 : 0;
            if (length == 0)
            {
                kept ??= new StringBuilder(text, 0, i, text.Length);
                continue;
            }

            kept?.Append(text, i, length);
            i += length - 1;
        }

        return kept?.ToString() ?? text;
    }

    public static void ItemId(this XmlWriter w, SandboxItem item)
    {
        w.T("ItemId");
        w.WriteAttributeString("Id", item.Id);
        w.WriteAttributeString("ChangeKey", item.ChangeKey);
        w.WriteEndElement();
    }

    public static void Mailbox(this XmlWriter w, (string? Name, string Address) address)
    {
        w.T("Mailbox");
        if (!string.IsNullOrEmpty(address.Name))
        {
            w.TValue("Name", address.Name);
        }

        w.TValue("EmailAddress", address.Address);
        w.TValue("RoutingType", "SMTP");
        w.TValue("MailboxType", "OneOff");
        w.WriteEndElement();
    }

    private static PooledAnswer Envelope(Action<XmlWriter> body)
    {
        var stream = new PooledAnswer();
        try
        {
            using var w = XmlWriter.Create(stream, Settings);
            w.WriteStartDocument();
            w.WriteStartElement("s", "Envelope", Soap);
            w.WriteStartElement("s", "Header", Soap);
            w.WriteStartElement("h", "ServerVersionInfo", Types);
            w.WriteAttributeString("MajorVersion", "15");
            w.WriteAttributeString("MinorVersion", "20");
            w.WriteAttributeString("MajorBuildNumber", "8769");
            w.WriteAttributeString("MinorBuildNumber", "21");
            w.WriteAttributeString("Version", "V2018_01_08");
            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteStartElement("s", "Body", Soap);
            body(w);
            w.WriteEndElement();
            w.WriteEndElement();
            w.Flush();
            return stream;
        }
        catch
        {
            // The buffer goes back to the pool; the caller gets the exception, not a half-written answer.
            stream.Dispose();
            throw;
        }
    }
}
