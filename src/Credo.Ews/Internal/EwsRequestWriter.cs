using System.Text;
using System.Xml;

namespace Credo.Ews.Internal;

/// <summary>
/// Writes a SOAP 1.1 request with the headers app-only access needs: <c>t:RequestServerVersion</c> first, then
/// <c>t:ExchangeImpersonation/t:ConnectingSID/t:SmtpAddress</c>.
/// </summary>
internal static class EwsRequestWriter
{
    private static readonly XmlWriterSettings Settings = new() { Encoding = new UTF8Encoding(false), Indent = false };

    public static byte[] Write(string serverVersion, string smtpAddress, Action<XmlWriter> body)
    {
        using var stream = new MemoryStream();
        using (var w = XmlWriter.Create(stream, Settings))
        {
            w.WriteStartDocument();
            w.WriteStartElement("soap", "Envelope", EwsNames.Soap);
            w.WriteAttributeString("xmlns", "t", null, EwsNames.Types);
            w.WriteAttributeString("xmlns", "m", null, EwsNames.Messages);
            w.WriteStartElement("soap", "Header", EwsNames.Soap);
            w.WriteStartElement("t", "RequestServerVersion", EwsNames.Types);
            w.WriteAttributeString("Version", serverVersion);
            w.WriteEndElement();
            w.WriteStartElement("t", "ExchangeImpersonation", EwsNames.Types);
            w.WriteStartElement("t", "ConnectingSID", EwsNames.Types);
            w.WriteElementString("t", "SmtpAddress", EwsNames.Types, smtpAddress);
            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteStartElement("soap", "Body", EwsNames.Soap);
            body(w);
            w.WriteEndElement();
            w.WriteEndElement();
        }

        return stream.ToArray();
    }

    public static void M(this XmlWriter w, string name) => w.WriteStartElement("m", name, EwsNames.Messages);

    public static void T(this XmlWriter w, string name) => w.WriteStartElement("t", name, EwsNames.Types);

    public static void TValue(this XmlWriter w, string name, string value) => w.WriteElementString("t", name, EwsNames.Types, value);

    public static void MValue(this XmlWriter w, string name, string value) => w.WriteElementString("m", name, EwsNames.Messages, value);

    public static void FieldUri(this XmlWriter w, string uri)
    {
        w.T("FieldURI");
        w.WriteAttributeString("FieldURI", uri);
        w.WriteEndElement();
    }

    public static void ItemId(this XmlWriter w, EwsItemId id)
    {
        w.T("ItemId");
        w.WriteAttributeString("Id", id.Id);
        if (id.ChangeKey is not null)
        {
            w.WriteAttributeString("ChangeKey", id.ChangeKey);
        }

        w.WriteEndElement();
    }

    public static void FolderId(this XmlWriter w, EwsFolderId folder, string? mailbox = null)
    {
        if (folder.IsDistinguished)
        {
            w.T("DistinguishedFolderId");
            w.WriteAttributeString("Id", folder.Value);
            if (mailbox is not null)
            {
                w.T("Mailbox");
                w.TValue("EmailAddress", mailbox);
                w.WriteEndElement();
            }
        }
        else
        {
            w.T("FolderId");
            w.WriteAttributeString("Id", folder.Value);
        }

        w.WriteEndElement();
    }
}
