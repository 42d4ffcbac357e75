namespace Claims.Sandbox.Tests;

/// <summary>
/// Tests that build Orleans hosts (silos, cluster clients) in the test process. A WebApplicationFactory starting in
/// parallel listens to every host built in the process while it waits for its own, and can take a silo or a client
/// for the service's host, configuring it as a web host (then "No application configured" when it starts); these
/// tests therefore run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class InProcessHostsCollection
{
    public const string Name = "Orleans hosts in the test process";
}
