using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Credo.Ews.Internal;

/// <summary>
/// Reads an EWS answer with a streaming <see cref="XmlReader"/> (no DTDs, no external entities, size-capped): either a
/// SOAP fault or the response messages, each loaded on its own so memory stays bounded by one message.
/// </summary>
internal static class EwsResponseReader
{
    public sealed record Answer(IReadOnlyList<XElement> Messages, EwsError? Fault);

    public static async Task<Answer> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var settings = new XmlReaderSettings
        {
            Async = true,
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
            CloseInput = false,

            // Exchange writes a property's characters that XML 1.0 forbids (a control character in a subject) as
            // character references such as &#x1B;, which a checking reader refuses; the whole answer, and with it
            // every later poll of that mailbox, would fail on one mail. Read them; what shows the text neutralises it.
            CheckCharacters = false,
        };
        using var reader = XmlReader.Create(stream, settings);
        if (!await MoveToElementAsync(reader) || reader.LocalName != "Envelope" || reader.NamespaceURI != EwsNames.Soap)
        {
            throw new EwsFormatException("the answer is not a SOAP 1.1 envelope");
        }

        // Envelope > [Header] > Body
        await reader.ReadAsync();
        while (!reader.EOF && !(reader.NodeType == XmlNodeType.Element && reader.LocalName == "Body" && reader.NamespaceURI == EwsNames.Soap))
        {
            if (reader.NodeType == XmlNodeType.Element)
            {
                await reader.SkipAsync();
            }
            else
            {
                await reader.ReadAsync();
            }
        }

        if (reader.EOF || reader.IsEmptyElement)
        {
            throw new EwsFormatException("the SOAP envelope has no body");
        }

        await reader.ReadAsync();
        if (!await MoveToElementAsync(reader))
        {
            throw new EwsFormatException("the SOAP body is empty");
        }

        if (reader.LocalName == "Fault" && reader.NamespaceURI == EwsNames.Soap)
        {
            var fault = await XElement.LoadAsync(reader.ReadSubtree(), LoadOptions.None, cancellationToken);
            return new Answer([], ReadFault(fault));
        }

        if (reader.NamespaceURI != EwsNames.Messages || reader.IsEmptyElement)
        {
            throw new EwsFormatException($"the SOAP body holds {reader.LocalName} in namespace '{reader.NamespaceURI}', not an EWS response");
        }

        // XxxResponse > ResponseMessages > XxxResponseMessage*
        await reader.ReadAsync();
        if (!await MoveToElementAsync(reader) || reader.LocalName != "ResponseMessages" || reader.NamespaceURI != EwsNames.Messages)
        {
            throw new EwsFormatException("the EWS response has no ResponseMessages");
        }

        var messages = new List<XElement>();
        if (reader.IsEmptyElement)
        {
            return new Answer(messages, null);
        }

        var depth = reader.Depth;
        await reader.ReadAsync();
        while (!(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType == XmlNodeType.Element)
            {
                if (reader.NamespaceURI != EwsNames.Messages)
                {
                    throw new EwsFormatException($"unexpected element {reader.LocalName} in ResponseMessages");
                }

                messages.Add(await XElement.LoadAsync(reader.ReadSubtree(), LoadOptions.None, cancellationToken));
            }

            if (!await reader.ReadAsync())
            {
                throw new EwsFormatException("the answer ends inside ResponseMessages");
            }
        }

        return new Answer(messages, null);
    }

    /// <summary>The error of a response message whose <c>ResponseClass</c> is <c>Error</c>; <see langword="null"/> for success and warnings.</summary>
    public static EwsError? ErrorOf(XElement message)
    {
        if ((string?)message.Attribute("ResponseClass") != "Error")
        {
            return null;
        }

        var code = (string?)message.Element(EwsNames.M + "ResponseCode") ?? "ErrorInternalServerError";
        var text = (string?)message.Element(EwsNames.M + "MessageText") ?? code;
        return Error(code, text, message.Element(EwsNames.M + "MessageXml"), null);
    }

    /// <summary>Maps a response code to its kind, with the back-off where EWS asked for one.</summary>
    public static EwsError Error(string code, string text, XElement? messageXml, int? httpStatus)
    {
        var backOff = messageXml?.Elements(EwsNames.T + "Value")
            .FirstOrDefault(v => (string?)v.Attribute("Name") == "BackOffMilliseconds") is { } value &&
            long.TryParse(value.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) && ms >= 0
            ? TimeSpan.FromMilliseconds(ms)
            : (TimeSpan?)null;
        var kind = code switch
        {
            "ErrorServerBusy" => EwsErrorKind.ServerBusy,
            "ErrorExceededConnectionCount" or "ErrorTooManyObjectsOpened" => EwsErrorKind.ConnectionCountExceeded,
            "ErrorNonExistentMailbox" or "ErrorMailboxNotFound" => EwsErrorKind.MailboxNotFound,
            "ErrorImpersonateUserDenied" or "ErrorImpersonationDenied" => EwsErrorKind.ImpersonationDenied,
            "ErrorInvalidExchangeImpersonationHeaderData" or "ErrorMissingEmailAddressForManagedFolder" => EwsErrorKind.ImpersonationHeaderInvalid,
            "ErrorAccessDenied" => EwsErrorKind.AccessDenied,
            "ErrorInvalidSyncStateData" => EwsErrorKind.InvalidSyncState,
            "ErrorItemNotFound" => EwsErrorKind.ItemNotFound,
            // ErrorToFolderNotFound is how MoveItem and CopyItem say the target folder is gone.
            "ErrorFolderNotFound" or "ErrorToFolderNotFound" => EwsErrorKind.FolderNotFound,
            _ => EwsErrorKind.OperationFailed,
        };
        return new EwsError(kind, Cap(text)) { ResponseCode = Cap(code), BackOff = backOff, HttpStatus = httpStatus };
    }

    private static EwsError ReadFault(XElement fault)
    {
        var detail = fault.Element("detail");
        var code = (string?)detail?.Element(EwsNames.E + "ResponseCode")
            ?? ((string?)fault.Element("faultcode"))?.Split(':')[^1]
            ?? "ErrorInternalServerError";
        var text = (string?)detail?.Element(EwsNames.E + "Message") ?? (string?)fault.Element("faultstring") ?? code;
        return Error(code, text, detail?.Element(EwsNames.T + "MessageXml"), 500);
    }

    private static async Task<bool> MoveToElementAsync(XmlReader reader)
    {
        while (reader.NodeType != XmlNodeType.Element)
        {
            if (reader.NodeType == XmlNodeType.EndElement || !await reader.ReadAsync())
            {
                return false;
            }
        }

        return true;
    }

    private static string Cap(string text)
    {
        var clean = new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();
        return clean.Length <= 500 ? clean : clean[..500] + "…";
    }
}

/// <summary>An answer that is not a usable EWS response.</summary>
internal sealed class EwsFormatException(string message) : Exception(message);
