using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;

namespace Credo.Ews.Tests.Infrastructure;

/// <summary>
/// Microsoft's EWS schema (<c>messages.xsd</c>, <c>types.xsd</c>), from the folder <c>CREDO_TEST_EWS_SCHEMA</c> names
/// (README, "Test it"). Every SOAP body element and header element of the traffic is validated against its global
/// element declaration.
/// </summary>
public static class EwsSchema
{
    private static readonly Lazy<XmlSchemaSet?> Set = new(Load);

    /// <summary>The folder <c>CREDO_TEST_EWS_SCHEMA</c> names, when it holds the schema.</summary>
    public static string? Folder =>
        Environment.GetEnvironmentVariable("CREDO_TEST_EWS_SCHEMA") is { Length: > 0 } folder && File.Exists(Path.Combine(folder, "messages.xsd"))
            ? Path.GetFullPath(folder)
            : null;

    /// <summary>Whether the schema is here; in CI it must be.</summary>
    public static bool Available => Set.Value is not null;

    /// <summary>
    /// The schema errors of a SOAP envelope (request or response); empty when valid. SOAP faults belong to the SOAP
    /// envelope schema, not to EWS's, so a fault body is not checked (its header still is).
    /// </summary>
    public static IReadOnlyList<string> Validate(string envelope)
    {
        var schemas = Set.Value ?? throw new InvalidOperationException("The EWS schema is not available.");
        var errors = new List<string>();
        XDocument document;
        try
        {
            document = XDocument.Parse(envelope);
        }
        catch (XmlException e)
        {
            return [$"not XML: {e.Message}"];
        }

        XNamespace soap = "http://schemas.xmlsoap.org/soap/envelope/";
        var parts = (document.Root?.Element(soap + "Header")?.Elements() ?? [])
            .Concat(document.Root?.Element(soap + "Body")?.Elements().Where(e => e.Name != soap + "Fault") ?? []);
        foreach (var part in parts)
        {
            new XDocument(new XElement(part)).Validate(schemas, (_, e) => errors.Add($"{part.Name.LocalName}: {e.Message}"));
        }

        return errors;
    }

    /// <summary>Skips the calling test outside CI when the schema is missing; fails it in CI.</summary>
    public static void Require()
    {
        if (Available)
        {
            return;
        }

        var reason = "The EWS schema is missing: set CREDO_TEST_EWS_SCHEMA to a folder with Microsoft's messages.xsd and types.xsd (.ci/run does).";
        MissingPrerequisite.Stop(reason);
    }

    private static XmlSchemaSet? Load()
    {
        if (Folder is not { } folder)
        {
            return null;
        }

        var set = new XmlSchemaSet { XmlResolver = new XmlUrlResolver() };
        using var reader = XmlReader.Create(Path.Combine(folder, "messages.xsd"), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = new XmlUrlResolver() });
        set.Add(null, reader);
        set.Compile();
        return set;
    }
}
