using Claims.Testing;

namespace Claims.Import.Tests;

/// <summary>A temp folder to write fixture files into and import them from, with one salt for the folder.</summary>
public sealed class ImportFixture : IDisposable
{
    private readonly TempDirectory _temp = new("uke-import");

    public string Out => _temp.Combine("ds");
    public string Salt => _temp.Combine("salt.key");

    public string Write(string name, IEnumerable<string> lines) => UkeText.Write(_temp.Path, name, lines);

    public UkeImportReport Import(string file, bool strict = false, string? population = null) => UkeImporter.Run(new UkeImportOptions
    {
        Inputs = [file],
        Out = Out,
        SaltFile = Salt,
        Strict = strict,
        Population = population,
    });

    public void Dispose() => _temp.Dispose();
}
