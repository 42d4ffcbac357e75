using System.Diagnostics;
using Claims.Testing;

namespace Claims.Sandbox.Tests;

/// <summary>
/// The first start generates, links, exports and loads tens of millions of rows, and `dotnet run` builds Debug: the
/// projects doing that work are compiled optimised in every configuration, or the first start takes minutes longer.
/// Asked of MSBuild for a Debug build, since the test itself runs from whichever build CI made (Release, optimised
/// whatever the projects say).
/// </summary>
public class OptimisedCodeTests
{
    [Theory]
    [InlineData("src/ClaimsEngine/ClaimsEngine.csproj")]
    [InlineData("src/SyntheticGen/SyntheticGen.csproj")]
    [InlineData("src/Claims.Import/Claims.Import.csproj")]
    public async Task The_projects_that_make_and_load_the_first_starts_data_are_compiled_optimised_in_a_Debug_build(string project)
    {
        var start = new ProcessStartInfo("dotnet", ["msbuild", Path.Combine(RepoPaths.Root, project), "-getProperty:Optimize", "-p:Configuration=Debug"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var msbuild = Process.Start(start)!;
        var output = await msbuild.StandardOutput.ReadToEndAsync();
        await msbuild.WaitForExitAsync();
        Assert.True(msbuild.ExitCode == 0, $"msbuild failed on {project}: {output}{await msbuild.StandardError.ReadToEndAsync()}");
        Assert.True(output.Trim() == "true", $"{project} is compiled without optimisation in Debug (Optimize = '{output.Trim()}')");
    }
}
