using System.CommandLine;
using System.Globalization;
using CycleGan.Reproduce;
using CycleGan.Training;
using Spectre.Console;

namespace CycleGan.Cli.Commands;

/// <summary>`cyclegan reproduce`: the paper's Tables 2–4 (<see cref="ReproduceRunner"/>) or the adaptation experiment (<see cref="AdaptationRunner"/>).</summary>
public static class ReproduceCommand
{
    public static Command Create()
    {
        var d = new ReproduceOptions();
        var a = new AdaptationOptions();
        var experiment = new Option<string>("--experiment") { Description = "tables: the paper's Tables 2–4; adaptation: segmenters trained on style 1, style 2 and style 1 translated to style 2", DefaultValueFactory = _ => "tables" };
        experiment.AcceptOnlyFromAmong("tables", "adaptation");
        var dataset = new Option<string>("--dataset") { Description = "synth (generated streets) or facades (--facades-root)", DefaultValueFactory = _ => d.Dataset };
        dataset.AcceptOnlyFromAmong(ReproduceOptions.Datasets);
        var output = new Option<string>("--out") { Description = "folder for index.html, scores.json and the data, checkpoints and results behind them", DefaultValueFactory = _ => d.Out };
        var minutes = new Option<double?>("--minutes-per-model") { Description = $"training budget of each method in minutes (tables: {d.MinutesPerModel:G}; adaptation, the CycleGAN: {a.Minutes:G})" };
        var size = new Option<int>("--size") { Description = "image size: 32, 64, 128 or 256", DefaultValueFactory = _ => d.Size };
        var seedCount = new Option<int>("--seeds") { Description = "tables: train every method this many times (seeds --seed, --seed + 1, ...) and report mean ± standard deviation", DefaultValueFactory = _ => d.Seeds };
        var facades = new Option<string>("--facades-root") { Description = "the facades dataset (photo|labels files, palette.pix2pix.json)", DefaultValueFactory = _ => d.FacadesRoot };
        // Small runs for tests and experiments; the defaults are what users should see.
        var seconds = new Option<double?>("--seconds-per-model") { Hidden = true };
        var methods = new Option<string>("--methods") { Hidden = true, DefaultValueFactory = _ => "" };
        var train = Hidden("--train", d.Train);
        var test = Hidden("--test", d.Test);
        var ngf = Hidden("--ngf", d.Ngf);
        var ndf = Hidden("--ndf", d.Ndf);
        var segEpochs = Hidden("--segmenter-epochs", d.SegmenterEpochs);
        var seed = Hidden("--seed", d.Seed);
        var device = Hidden("--device", d.Device);
        var cmd = new Command("reproduce", "Train CycleGAN, its four loss ablations, CoGAN, BiGAN/ALI, SimGAN, feature loss + GAN and pix2pix under the same time budget, " +
                                           "score photo→labels and labels→photo (FCN-score, FD/KD) and write the paper's Tables 2–4 to index.html and scores.json; " +
                                           "or, with --experiment adaptation, the domain adaptation table")
            { experiment, dataset, output, minutes, size, seedCount, facades, seconds, methods, train, test, ngf, ndf, segEpochs, seed, device };
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var budget = r.GetValue(seconds) is { } s ? s / 60 : r.GetValue(minutes);
            var progress = new ReproduceProgress(stdout);
            Func<string> work;
            if (r.GetValue(experiment) == "adaptation")
            {
                if (r.GetValue(dataset) != "synth") throw new UserError("--experiment adaptation needs --dataset synth: it uses the synthetic streets' two rendering styles");
                var o = new AdaptationOptions
                {
                    Out = r.GetValue(output)!, Minutes = budget ?? a.Minutes, Size = r.GetValue(size), Train = r.GetValue(train), Test = r.GetValue(test),
                    Ngf = r.GetValue(ngf), Ndf = r.GetValue(ndf), SegmenterEpochs = r.GetValue(segEpochs), Seed = r.GetValue(seed), Device = r.GetValue(device)!,
                };
                o.Validate();
                work = () =>
                {
                    var result = AdaptationRunner.Run(o, progress);
                    var lines = result.Report.Rows.Select(x => string.Create(CultureInfo.InvariantCulture,
                        $"{x.TrainedOn}: per-pixel {x.Style2Test.PixelAccuracy:F3}, per-class {x.Style2Test.MeanClassAccuracy:F3}, class IoU {x.Style2Test.MeanClassIou:F3}"));
                    return string.Join(Environment.NewLine, lines) + Environment.NewLine +
                           string.Create(CultureInfo.InvariantCulture, $"{result.Report.TotalSeconds / 60:F1} minutes in all; open {result.PagePath} (scores in {result.JsonPath})");
                };
            }
            else
            {
                var o = new ReproduceOptions
                {
                    Dataset = r.GetValue(dataset)!, Out = r.GetValue(output)!, MinutesPerModel = budget ?? d.MinutesPerModel, Size = r.GetValue(size),
                    FacadesRoot = r.GetValue(facades)!, Methods = r.GetValue(methods)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    Train = r.GetValue(train), Test = r.GetValue(test), Ngf = r.GetValue(ngf), Ndf = r.GetValue(ndf), SegmenterEpochs = r.GetValue(segEpochs),
                    Seed = r.GetValue(seed), Seeds = r.GetValue(seedCount), Device = r.GetValue(device)!,
                };
                o.Validate();
                work = () =>
                {
                    var result = ReproduceRunner.Run(o, progress);
                    static string Pm(IEnumerable<double> values)
                    {
                        var v = MeanSd.Of(values.ToList());
                        return double.IsNaN(v.Sd)
                            ? v.Mean.ToString("F2", CultureInfo.InvariantCulture)
                            : string.Create(CultureInfo.InvariantCulture, $"{v.Mean:F2} ± {v.Sd:F2}");
                    }
                    var lines = result.Report.Methods.Select(m =>
                        $"{m.PaperName} ({m.Seeds.Count} seeds): labels→photo FCN pixel accuracy {Pm(m.Seeds.Select(x => x.LabelsToPhotoFcn.PixelAccuracy))}, " +
                        $"class IoU {Pm(m.Seeds.Select(x => x.LabelsToPhotoFcn.MeanClassIou))}; photo→labels pixel accuracy {Pm(m.Seeds.Select(x => x.PhotoToLabels.PixelAccuracy))}, " +
                        $"class IoU {Pm(m.Seeds.Select(x => x.PhotoToLabels.MeanClassIou))}");
                    return string.Join(Environment.NewLine, lines) + Environment.NewLine +
                           string.Create(CultureInfo.InvariantCulture, $"{result.Report.TotalSeconds / 60:F1} minutes in all; open {result.PagePath} (scores in {result.JsonPath})");
                };
            }
            TorchRuntime.EnsureLoaded();
            string summary = "";
            if (ConsoleProgress.IsInteractive(stdout))
                AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .Start(ctx => { progress.Attach(ctx); summary = work(); progress.Finish(); });
            else
                summary = work();
            stdout.WriteLine(summary);
            return 0;
        });
        return cmd;
    }

    static Option<T> Hidden<T>(string name, T value) => new(name) { Hidden = true, DefaultValueFactory = _ => value };
}
