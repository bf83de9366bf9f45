namespace CycleGan.Tests.Cli;

/// <summary>Runs the `cyclegan` command in-process and captures its exit code and output.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CycleGan.Cli.App.Run(args, stdout, stderr);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }

    public static Result MustSucceed(params string[] args)
    {
        var r = Run(args);
        Assert.True(r.ExitCode == 0, $"cyclegan {string.Join(' ', args)} exited {r.ExitCode}: {r.Stderr}\n{r.Stdout}");
        return r;
    }
}
