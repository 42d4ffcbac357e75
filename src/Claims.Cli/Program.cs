using Claims.Cli;
using Spectre.Console;

return ClaimsCli.Run(args, AnsiConsole.Console, Console.Error);
