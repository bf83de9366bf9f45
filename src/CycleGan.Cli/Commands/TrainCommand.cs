using System.CommandLine;
using CycleGan.Options;
using CycleGan.Training;
using Spectre.Console;

namespace CycleGan.Cli.Commands;

/// <summary>`cyclegan train`: the official train.py (see <see cref="Trainer"/>).</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var cmd = new Command("train", "Train CycleGAN, pix2pix or a baseline of the paper (docs/baselines.md) with the official train.py options; --continue_train resumes exactly");
        var binder = new OptionBinder<TrainOptions>(cmd);
        cmd.SetAction(parse =>
        {
            var opt = binder.Bind(parse);
            opt.ApplySuffix();
            var output = parse.InvocationConfiguration.Output;
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
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .Start(ctx => { progress.Attach(ctx); trainer.Run(); });
            else
                trainer.Run();
            return 0;
        });
        return cmd;
    }
}
