using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Nightjar.Recorder.Hosting;

/// <summary>
/// Keeps data-protection keys (cookie and antiforgery encryption) in memory only. They end with the host, which
/// is what makes the console come back locked after a reboot, and no key file is left on disk.
/// </summary>
public sealed class InMemoryKeyRepository : IXmlRepository
{
    private readonly List<XElement> elements = [];
    private readonly Lock gate = new();

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        lock (gate)
        {
            return elements.Select(e => new XElement(e)).ToList();
        }
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        lock (gate)
        {
            elements.Add(new XElement(element));
        }
    }
}
