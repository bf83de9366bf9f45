using System.CommandLine;
using CycleGan.Options;
using CycleGan.Sharding;
using CycleGan.Inference;
using CycleGan.Video;
using Spectre.Console;

namespace CycleGan.Cli.Commands;

/// <summary>`cyclegan translate`: one generator over files of any size, output the same size as the input.</summary>
public static class TranslateCommand
{
    public static Command Create()
    {
        var cmd = new Command("translate", "Translate image files of any size with one generator checkpoint (pads to what the " +
            "network needs and crops back), or videos (through ffmpeg; frame rate, size, rotation and audio kept)");
        var binder = new OptionBinder<TranslateOptions>(cmd);
        cmd.SetAction(parse =>
        {
            var opt = binder.Bind(parse);
            var output = parse.InvocationConfiguration.Output;
            if (VideoTranslation.IsVideoInput(opt.Input)) return Videos(opt, output);
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

    /// <summary>Videos: a progress bar per clip with frames/s and ETA, one line per video that failed.</summary>
    static int Videos(TranslateOptions opt, TextWriter output)
    {
        if (!string.IsNullOrEmpty(opt.Sharding.Shard) || opt.Sharding.Shards > 0)
            throw new UserError("--shard/--shards split folders of images; translate videos without them");
        VideoBatchResult result;
        if (ConsoleProgress.IsInteractive(output))
            result = AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn())
                .Start(ctx =>
                {
                    ProgressTask? task = null;
                    return VideoTranslation.Run(opt, progress: p =>
                    {
                        if (task == null || p.Frame == 1) task = ctx.AddTask(Path.GetFileName(p.Input), maxValue: Math.Max(1, p.Frames));
                        task.Value = p.Frame;
                        task.Description = p.ToString();
                    }, failed: line => AnsiConsole.MarkupLineInterpolated($"[yellow]cannot translate {line}[/]"));
                });
        else
            result = VideoTranslation.Run(opt, progress: p =>
            {
                if (p.Frame == p.Frames || p.Frame % Math.Max(1, p.Frames > 0 ? p.Frames / 10 : 100) == 0) output.WriteLine(p);
            }, failed: line => output.WriteLine($"cannot translate {line}"));
        if (result.Failed.Count > 0) throw new UserError(result.Summary());
        output.WriteLine(result.Summary());
        return 0;
    }
}
