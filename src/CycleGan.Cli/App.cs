using System.CommandLine;
using System.CommandLine.Help;
using CycleGan.Cli.Commands;

namespace CycleGan.Cli;

/// <summary>
/// The `cyclegan` command. Each sub-command lives in Commands/ and only parses, calls the library and prints.
/// User mistakes (<see cref="UserError"/>) are one line on stderr and exit code 2; `--verbose` adds the trace;
/// anything else is an internal failure, exit code 1.
/// </summary>
public static class App
{
    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        // A named root (not RootCommand, which takes the assembly's name) so that help says `Usage: cyclegan`.
        var root = new Command("cyclegan", "CycleGAN and pix2pix (C# / TorchSharp), compatible with junyanz/pytorch-CycleGAN-and-pix2pix")
        {
            new HelpOption(), new VersionOption(),
        };
        foreach (var c in CommandRegistry.All()) root.Subcommands.Add(c);
        AddVerbose(root);
        GcStress.StartIfRequested(); // any command, also those that never load libtorch (eval labels, datasets ...)
        var verbose = false;
        try
        {
            var parse = root.Parse(args);
            if (parse.Errors.Count > 0)
            {
                // One line, like every other user error: the parser's multi-line messages (choices) are folded.
                stderr.WriteLine("error: " + string.Join("; ", parse.Errors.Select(e => OneLine(e.Message))));
                return 2;
            }
            verbose = parse.GetValue(parse.CommandResult.Command.Options.OfType<Option<bool>>().First(o => o.Name == VerboseFlag));
            TorchRuntime.NativeWarnings = verbose;
            var config = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
            return parse.Invoke(config);
        }
        catch (Exception e)
        {
            var ue = Unwrap(e);
            if (ue is UserError)
            {
                stderr.WriteLine("error: " + OneLine(ue.Message));
                if (verbose) stderr.WriteLine(ue);
                return 2;
            }
            stderr.WriteLine("internal error: " + OneLine(WithoutNativeFrames(ue.Message)));
            stderr.WriteLine(verbose ? ue.ToString() : InternalErrorHint);
            return 1;
        }
    }

    const string VerboseFlag = "--verbose";

    // What an internal error without --verbose suggests: AddVerbose gives every command the flag it names.
    const string InternalErrorHint = "(run with " + VerboseFlag + " for the stack trace)";

    /// <summary>
    /// Gives `--verbose` to every command, sub-commands included, whose options record has none of its own (train, test,
    /// translate and export have the official flag), so that the hint above holds for each.
    /// </summary>
    static void AddVerbose(Command command)
    {
        if (!command.Options.Any(o => o.Name == VerboseFlag))
            command.Options.Add(new Option<bool>(VerboseFlag) { Description = "print stack traces on errors (and libtorch's warnings)" });
        foreach (var c in command.Subcommands) AddVerbose(c);
    }

    static string OneLine(string message) =>
        string.Join(" ", message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    // libtorch appends its C++ backtrace ("frame #0: ..." lines) to the message: --verbose prints it with the trace.
    static string WithoutNativeFrames(string message) =>
        string.Join("\n", message.Split('\n').TakeWhile(l => !l.TrimStart().StartsWith("frame #", StringComparison.Ordinal)));

    static Exception Unwrap(Exception e)
    {
        while (e is System.Reflection.TargetInvocationException or AggregateException && e.InnerException != null) e = e.InnerException;
        return e;
    }
}
