using System.CommandLine;
using System.Globalization;
using CycleGan.Quickstart;
using CycleGan.Training;
using Spectre.Console;

namespace CycleGan.Cli.Commands;

/// <summary>`cyclegan quickstart`: the README's first command (see <see cref="QuickstartRunner"/>).</summary>
public static class QuickstartCommand
{
    public static Command Create()
    {
        var cmd = new Command("quickstart", "Generate a synthetic street dataset, train a small CycleGAN on the CPU (labels ↔ photos) "
            + "within a time budget, translate the test scenes, score photo→labels against the true label maps and write index.html "
            + "and scores.json");
        var binder = new OptionBinder<QuickstartOptions>(cmd);
        cmd.SetAction(r =>
        {
            var o = binder.Bind(r);
            o.Validate();
            var stdout = r.InvocationConfiguration.Output;
            TorchRuntime.EnsureLoaded();
            var progress = new ConsoleProgress(stdout);
            QuickstartResult? result = null;
            void Work() => result = QuickstartRunner.Run(o, [progress], progress.OnMessage);
            if (ConsoleProgress.IsInteractive(stdout))
                AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                        new RemainingTimeColumn())
                    .Start(ctx => { progress.Attach(ctx); Work(); });
            else
                Work();
            var p = result!.Scores.PhotoToLabels;
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"photo→labels pixel accuracy {p.Trained.PixelAccuracy:P1} trained, {p.Untrained.PixelAccuracy:P1} " +
                $"untrained, {p.Identity.PixelAccuracy:P1} identity; " +
                $"mean class IoU {p.Trained.MeanClassIou:P1} trained, {p.Untrained.MeanClassIou:P1} untrained " +
                $"({result.Scores.TotalSeconds:F0} s in all)"));
            stdout.WriteLine($"open {result.PagePath} (scores in {result.ScoresPath})");
            return 0;
        });
        return cmd;
    }
}
