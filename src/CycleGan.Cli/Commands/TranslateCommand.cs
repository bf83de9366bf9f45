using System.CommandLine;
using CycleGan.Options;
using CycleGan.Sharding;
using CycleGan.Inference;
using Spectre.Console;

namespace CycleGan.Cli.Commands;

/// <summary>`cyclegan translate`: one generator over files of any size, output the same size as the input.</summary>
public static class TranslateCommand
{
    public static Command Create()
    {
        var cmd = new Command("translate", "Translate image files of any size with one generator checkpoint (pads to what the " +
            "network needs and crops back)");
        var binder = new OptionBinder<TranslateOptions>(cmd);
        cmd.SetAction(parse =>
        {
            var opt = binder.Bind(parse);
            var output = parse.InvocationConfiguration.Output;
            var shard = ShardSpec.Resolve(opt.Sharding.Shard, opt.Sharding.Shards, Environment.GetEnvironmentVariable);
            if (shard != null) output.WriteLine($"shard {shard} (from {shard.Source})");
            BatchResult result;
            if (ConsoleProgress.IsInteractive(output))
                result = AnsiConsole.Progress().Start(ctx =>
                {
                    ProgressTask? task = null;
                    return BatchTranslation.Run(opt, shard, n => task = ctx.AddTask("translating", maxValue: n), line =>
                    {
                        if (line != null) AnsiConsole.MarkupLineInterpolated($"[yellow]{line}[/]");
                        task?.Increment(1);
                    });
                });
            else
                result = BatchTranslation.Run(opt, shard, progress: line => { if (line != null) output.WriteLine(line); });
            if (result.Engine is { } e)
                output.WriteLine($"--engine auto: {e.Engine} ({(e.Measured ? "" : "remembered: ")}{e.Reason})");
            if (result.Failed.Count > 0) throw new UserError(result.Summary("translated"));
            output.WriteLine(result.Summary("translated"));
            return 0;
        });
        return cmd;
    }
}
