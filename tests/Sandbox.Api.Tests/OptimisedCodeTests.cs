using System.Diagnostics;
using System.Reflection;
using Claims.Engine.Storage;
using Claims.Import;
using Claims.SyntheticGen;

namespace Claims.Sandbox.Tests;

/// <summary>
/// The first start generates, links, exports and loads tens of millions of rows, and `dotnet run` builds Debug: the
/// assemblies doing that work are compiled optimised in every configuration, or the first start takes minutes longer.
/// </summary>
public class OptimisedCodeTests
{
    public static TheoryData<string> FirstStartAssemblies =>
        [typeof(Dataset).Assembly.GetName().Name!, typeof(Generator).Assembly.GetName().Name!, typeof(UkeImporter).Assembly.GetName().Name!];

    [Theory]
    [MemberData(nameof(FirstStartAssemblies))]
    public void The_assemblies_that_make_and_load_the_first_starts_data_are_compiled_optimised_in_every_configuration(string name)
    {
        var assembly = Assembly.Load(name);
        Assert.False(assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled ?? false, $"{name} is compiled without optimisation");
    }
}
