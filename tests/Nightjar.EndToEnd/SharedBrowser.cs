using Xunit;

namespace Nightjar.EndToEnd;

[CollectionDefinition(Name)]
public sealed class SharedBrowser : ICollectionFixture<ConsoleBrowser>
{
    public const string Name = "Console browser";
}
