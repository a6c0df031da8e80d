using System.Xml;
using System.Xml.Linq;

namespace Nightjar.Recorder.Onvif;

/// <summary>
/// The namespaces ONVIF answers use, and a reader for them that a hostile or broken camera cannot abuse: no DTD (so no
/// entity expansion and nothing fetched from elsewhere), at most <see cref="MaxCharacters"/> characters and
/// <see cref="MaxDepth"/> levels. Elements are found by local name within the namespaces a service answers in, since
/// cameras differ in prefixes and sometimes in the namespace version.
/// </summary>
public static class OnvifXml
{
    public const int MaxCharacters = 1_000_000;
    public const int MaxDepth = 64;

    public static readonly XNamespace Soap12 = "http://www.w3.org/2003/05/soap-envelope";
    public static readonly XNamespace Soap11 = "http://schemas.xmlsoap.org/soap/envelope/";
    public static readonly XNamespace Device = "http://www.onvif.org/ver10/device/wsdl";
    public static readonly XNamespace Media = "http://www.onvif.org/ver10/media/wsdl";
    public static readonly XNamespace Media2 = "http://www.onvif.org/ver20/media/wsdl";
    public static readonly XNamespace Ptz = "http://www.onvif.org/ver20/ptz/wsdl";
    public static readonly XNamespace Events = "http://www.onvif.org/ver10/events/wsdl";
    public static readonly XNamespace Schema = "http://www.onvif.org/ver10/schema";
    public static readonly XNamespace Notification = "http://docs.oasis-open.org/wsn/b-2";
    public static readonly XNamespace Addressing = "http://www.w3.org/2005/08/addressing";
    public static readonly XNamespace Security = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
    public static readonly XNamespace SecurityUtility = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";

    /// <summary>Parses an answer; throws <see cref="OnvifException"/> with a plain reason when it is not one to read.</summary>
    public static XDocument Parse(string text)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = MaxCharacters,
            MaxCharactersFromEntities = 0,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
        };
        try
        {
            // First only the depth, which XmlReader does not bound: a deeply nested answer would cost a deep tree.
            using (var scan = XmlReader.Create(new StringReader(text), settings))
            {
                while (scan.Read())
                {
                    if (scan.Depth > MaxDepth)
                    {
                        throw new OnvifException($"The camera's answer is nested more than {MaxDepth} levels deep; it is not read.");
                    }
                }
            }

            using var reader = XmlReader.Create(new StringReader(text), settings);
            return XDocument.Load(reader);
        }
        catch (XmlException ex) when (ex.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase))
        {
            throw new OnvifException("The camera's answer has a document type declaration (DTD), which ONVIF never uses; it is not read.", inner: ex);
        }
        catch (XmlException ex)
        {
            throw new OnvifException($"The camera's answer is not well-formed XML ({ex.Message}).", inner: ex);
        }
    }

    /// <summary>The first descendant with this local name, in any namespace (cameras vary their prefixes and versions).</summary>
    public static XElement? Find(this XContainer container, string localName) =>
        container.Descendants().FirstOrDefault(e => e.Name.LocalName == localName);

    public static IEnumerable<XElement> FindAll(this XContainer container, string localName) =>
        container.Descendants().Where(e => e.Name.LocalName == localName);

    /// <summary>A direct child by local name, in any namespace.</summary>
    public static XElement? Child(this XElement element, string localName) =>
        element.Elements().FirstOrDefault(e => e.Name.LocalName == localName);

    /// <summary>The trimmed text of a descendant, or null.</summary>
    public static string? Text(this XContainer container, string localName) => container.Find(localName)?.Value.Trim();
}
