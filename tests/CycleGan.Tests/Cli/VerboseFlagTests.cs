using System.CommandLine;
using System.Text.RegularExpressions;
using CycleGan.Cli.Commands;

namespace CycleGan.Tests.Cli;

/// <summary>
/// Every command, sub-commands included, takes `--verbose`, and the hint printed with an internal error names only
/// flags that command takes (the hint once said `--verbose` to `quickstart`, which rejected it).
/// </summary>
public class VerboseFlagTests
{
    public static TheoryData<string> Commands()
    {
        var data = new TheoryData<string>();
        void Add(Command c, string prefix)
        {
            var path = (prefix + " " + c.Name).Trim();
            data.Add(path);
            foreach (var s in c.Subcommands) Add(s, path);
        }
        foreach (var c in CommandRegistry.All()) Add(c, "");
        return data;
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Verbose_is_accepted_and_a_bad_argument_is_the_commands_own_error(string command)
    {
        string[] path = command.Split(' ');
        var help = CliRunner.Run([.. path, "--verbose", "--help"]);
        Assert.True(help.ExitCode == 0, $"{command} --verbose --help: exit {help.ExitCode}\n{help.Stderr}");
        Assert.Contains("--verbose", help.Stdout);

        var bad = CliRunner.Run([.. path, "--verbose", "--no_such_flag"]);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--no_such_flag", bad.Stderr);
        Assert.DoesNotContain("--verbose", bad.Stderr);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void The_internal_error_hint_names_flags_the_command_takes_and_they_give_the_stack_trace(string command)
    {
        string[] path = command.Split(' ');
        // Help written to a broken stdout is an internal error (not a user mistake) that every command can meet.
        var failed = RunWithBrokenStdout([.. path, "--help"]);
        Assert.Equal(1, failed.Code);
        var lines = failed.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal("internal error: stdout is closed", lines[0]);
        var flags = Regex.Matches(lines[1], "--[a-z_]+").Select(m => m.Value).ToList();
        Assert.NotEmpty(flags);
        foreach (var flag in flags)
        {
            // the command takes the flag (the parser names no flag it rejects but the bad one) ...
            Assert.DoesNotContain(flag, CliRunner.Run([.. path, flag, "--no_such_flag"]).Stderr);
            // ... and it gives what the hint promises
            var traced = RunWithBrokenStdout([.. path, flag, "--help"]);
            Assert.True(traced.Code == 1 && traced.Stderr.Contains("   at "), $"{command} {flag}: exit {traced.Code}\n{traced.Stderr}");
        }
    }

    static (int Code, string Stderr) RunWithBrokenStdout(string[] args)
    {
        var stderr = new StringWriter();
        var code = CycleGan.Cli.App.Run(args, new BrokenWriter(), stderr);
        return (code, stderr.ToString());
    }

    sealed class BrokenWriter : StringWriter
    {
        public override void Write(char value) => throw new IOException("stdout is closed");
        public override void Write(string? value) => throw new IOException("stdout is closed");
        public override void Write(char[] buffer, int index, int count) => throw new IOException("stdout is closed");
    }
}
