using System.Xml.Linq;

namespace Credo.Ews.Internal;

/// <summary>The XML namespaces of EWS and the names used from them.</summary>
internal static class EwsNames
{
    public const string Soap = "http://schemas.xmlsoap.org/soap/envelope/";
    public const string Messages = "http://schemas.microsoft.com/exchange/services/2006/messages";
    public const string Types = "http://schemas.microsoft.com/exchange/services/2006/types";
    public const string Errors = "http://schemas.microsoft.com/exchange/services/2006/errors";

    public static readonly XNamespace M = Messages;
    public static readonly XNamespace T = Types;
    public static readonly XNamespace E = Errors;
}
