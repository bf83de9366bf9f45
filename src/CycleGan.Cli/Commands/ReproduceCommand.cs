using System.CommandLine;
using System.Globalization;
using CycleGan.Reproduce;
using CycleGan.Training;
using Spectre.Console;

namespace CycleGan.Cli.Commands;

/// <summary>`cyclegan reproduce`: the paper's Tables 2–4 (<see cref="ReproduceRunner"/>) or the adaptation experiment
/// (<see cref="AdaptationRunner"/>).</summary>
public static class ReproduceCommand
{
    static string F3(double v) => v.ToString("F3", CultureInfo.InvariantCulture);

    public static Command Create()
    {
        var cmd = new Command("reproduce", "Train CycleGAN, its four loss ablations, CoGAN, BiGAN/ALI, SimGAN, feature loss + GAN " +
                                           "pix2pix, CUT and FastCUT under the same time budget, " +
                                           "score photo→labels and labels→photo (FCN-score, FD/KD) and write the paper's " +
                                           "Tables 2–4 to index.html and scores.json; " +
                                           "or, with --experiment adaptation, the domain adaptation table");
        var binder = new OptionBinder<ReproduceOptions>(cmd);
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var given = binder.Bind(r);
            double? budget = given.SecondsPerModel is { } s ? s / 60 : binder.Given(r, "minutes_per_model") ? given.MinutesPerModel : null;
            var progress = new ReproduceProgress(stdout);
            Func<string> work;
            if (given.Experiment == "adaptation")
            {
                var o = given.ToAdaptation(budget);
                o.Validate();
                work = () =>
                {
                    var result = AdaptationRunner.Run(o, progress);
                    var lines = result.Report.Tables.Style2Test.Select(x =>
                        $"{x.Method} ({x.Seeds} seeds): per-pixel {SeedTables.Pm(x.Ours.PixelAccuracy, x.OursSd.PixelAccuracy, F3)}, " +
                        $"per-class {SeedTables.Pm(x.Ours.ClassAccuracy, x.OursSd.ClassAccuracy, F3)}, " +
                        $"class IoU {SeedTables.Pm(x.Ours.ClassIou, x.OursSd.ClassIou, F3)}");
                    return string.Join(Environment.NewLine, lines) + Environment.NewLine +
                           string.Create(CultureInfo.InvariantCulture, $"{result.Report.TotalSeconds / 60:F1} minutes in all; " +
                               $"open {result.PagePath} (scores in {result.JsonPath})");
                };
            }
            else
            {
                var o = budget is { } m ? given with { MinutesPerModel = m } : given;
                o.Validate();
                work = () =>
                {
                    var result = ReproduceRunner.Run(o, progress);
                    static string Pm(IEnumerable<double> values) => SeedTables.Pm(MeanSd.Of(values.ToList()), "F2");
                    var lines = result.Report.Methods.Select(m =>
                        $"{m.PaperName} ({m.Seeds.Count} seeds): labels→photo FCN pixel " +
                        $"accuracy {Pm(m.Seeds.Select(x => x.LabelsToPhotoFcn.PixelAccuracy))}, " +
                        $"class IoU {Pm(m.Seeds.Select(x => x.LabelsToPhotoFcn.MeanClassIou))}; photo→labels pixel " +
                        $"accuracy {Pm(m.Seeds.Select(x => x.PhotoToLabels.PixelAccuracy))}, " +
                        $"class IoU {Pm(m.Seeds.Select(x => x.PhotoToLabels.MeanClassIou))}");
                    return string.Join(Environment.NewLine, lines) + Environment.NewLine +
                           string.Create(CultureInfo.InvariantCulture, $"{result.Report.TotalSeconds / 60:F1} minutes in all; " +
                               $"open {result.PagePath} (scores in {result.JsonPath})");
                };
            }
            TorchRuntime.EnsureLoaded();
            string summary = "";
            if (ConsoleProgress.IsInteractive(stdout))
                AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                        new RemainingTimeColumn())
                    .Start(ctx => { progress.Attach(ctx); summary = work(); progress.Finish(); });
            else
                summary = work();
            stdout.WriteLine(summary);
            return 0;
        });
        return cmd;
    }
}
