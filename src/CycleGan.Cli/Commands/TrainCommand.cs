using System.CommandLine;
using CycleGan.Distributed;
using CycleGan.Options;
using CycleGan.Training;
using Spectre.Console;

namespace CycleGan.Cli.Commands;

/// <summary>`cyclegan train`: the official train.py (see <see cref="Trainer"/>).</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var cmd = new Command("train", "Train CycleGAN, pix2pix or a baseline of the paper (docs/baselines.md) with the official " +
            "train.py options; --continue_train resumes exactly");
        var binder = new OptionBinder<TrainOptions>(cmd);
        cmd.SetAction(parse =>
        {
            var opt = binder.Bind(parse);
            opt.ApplySuffix();
            var world = LaunchEnvironment.Start(opt.Distributed);
            if (world is { Size: > 1 })
            {
                var config = parse.InvocationConfiguration;
                return RunDistributed(world, opt, config.Output, config.Error ?? Console.Error);
            }
            var code = Run(opt, parse.InvocationConfiguration.Output);
            world?.Finish();
            return code;
        });
        return cmd;
    }

    static int Run(TrainOptions opt, TextWriter output)
    {
        if (opt.UseWandb) output.WriteLine("warning: --use_wandb is ignored (no network access)");
        TorchRuntime.EnsureLoaded();
        var runDir = Path.Combine(opt.CheckpointsDir, opt.Name);
        var log = new LossLog(runDir);
        var interactive = ConsoleProgress.IsInteractive(output);
        var progress = new ConsoleProgress(output);
        var observers = new List<ITrainingObserver> { log, progress };
        if (!opt.NoHtml) observers.Add(new TrainingPage(runDir, log, opt.DisplayWinsize));
        var trainer = new Trainer(opt, observers);
        if (interactive)
            AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                    new RemainingTimeColumn())
                .Start(ctx => { progress.Attach(ctx); trainer.Run(); });
        else
            trainer.Run();
        return 0;
    }

    /// <summary>
    /// One rank of an MPI job: rank 0 trains as a single process would (console, logs, pages); the others print
    /// nothing but errors. A failure on any rank ends the whole job through MPI_Abort, never a hang.
    /// </summary>
    static int RunDistributed(MpiWorld world, TrainOptions opt, TextWriter output, TextWriter error)
    {
        try
        {
            if (world.IsRoot) Run(opt, output);
            else new Trainer(opt, []).Run();
            world.Finish();
            return 0;
        }
        catch (Exception e)
        {
            while (e is System.Reflection.TargetInvocationException or AggregateException && e.InnerException != null) e = e.InnerException;
            var user = e is UserError;
            var kind = user ? "error" : "internal error";
            error.WriteLine($"{kind} (rank {world.Rank} of {world.Size}): {e.Message.ReplaceLineEndings(" ")}");
            if (opt.Verbose || !user) error.WriteLine(e);
            error.Flush();
            world.Abort(user ? 2 : 1);
            return user ? 2 : 1;
        }
    }
}
