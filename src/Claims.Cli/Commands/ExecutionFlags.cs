using System.CommandLine;
using Claims.Engine.Kernels;
using Claims.Engine.Query;

namespace Claims.Cli.Commands;

/// <summary>`--simd` and `--threads`: how one command's scans run (<see cref="ExecutionOptions"/>), without touching the process.</summary>
internal sealed class ExecutionFlags
{
    private readonly Option<string?> _simd = new("--simd") { Description = "Kernel width for this command's scans: scalar, 128, 256 or 512 (default: CLAIMS_SIMD, else the CPU's best)" };
    private readonly Option<int?> _threads = new("--threads") { Description = "Blocks scanned at once (default: one per core)" };

    public ExecutionFlags() => _simd.AcceptOnlyFromAmong("scalar", "128", "256", "512");

    public void AddTo(Command command)
    {
        command.Options.Add(_simd);
        command.Options.Add(_threads);
    }

    public ExecutionOptions Options(ParseResult parse)
    {
        if (parse.GetValue(_threads) is < 1 and var few) throw new Engine.ClaimsException($"--threads: must be at least 1, not {few}");
        return new ExecutionOptions(SimdLevels.Parse(parse.GetValue(_simd)), parse.GetValue(_threads));
    }
}
