using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using CycleGan.Models;
using CycleGan.Options;
using CycleGan.Reporting;
using CycleGan.Inference;
using TorchSharp;

namespace CycleGan.Evaluation;

/// <summary>What <c>cyclegan eval epochs</c> scores every saved epoch with.</summary>
public enum SweepMetric { Labels, Fcn, Fd }

/// <summary>Options of <see cref="EpochSweep"/>: the run, the test data, the metric and which result images it compares.</summary>
public sealed record EpochSweepOptions
{
    /// <summary>The run folder, <c>&lt;checkpoints_dir&gt;/&lt;name&gt;</c>, holding <c>&lt;epoch&gt;_net_*.pth</c> and
    /// <c>train_opt.txt</c>.</summary>
    public required string RunDir { get; init; }
    public required string Dataroot { get; init; }
    public required SweepMetric Metric { get; init; }
    /// <summary>Report folder; the per-epoch test results go to its <c>results/</c>.</summary>
    public required string Out { get; init; }
    /// <summary>Palette JSON (labels, fcn).</summary>
    public string? Palette { get; init; }
    /// <summary>Segmenter file (fcn).</summary>
    public string? Segmenter { get; init; }
    /// <summary>The test visual that is scored (labels: the predicted label maps; fcn: the generated photos; fd: the generated
    /// images).</summary>
    public string PredVisual { get; init; } = "fake_B";
    /// <summary>The test visual it is compared with (labels: true label maps; fcn: the input label maps; fd: real images).</summary>
    public string GtVisual { get; init; } = "real_B";
    public string Phase { get; init; } = "test";
    public int NumTest { get; init; } = 50;
    public string? Device { get; init; }
    /// <summary>KD: random subsets (fd).</summary>
    public int KdSubsets { get; init; } = 100;
}

/// <summary>One epoch's row: the score the epochs are ranked by, and the full scores behind it.</summary>
public sealed record EpochScore(
    [property: JsonPropertyName("epoch")] int Epoch,
    [property: JsonPropertyName("score")] double Score,
    [property: JsonPropertyName("best")] bool Best,
    [property: JsonPropertyName("last")] bool Last,
    [property: JsonPropertyName("segmentation")] SegmentationScores? Segmentation,
    [property: JsonPropertyName("distribution")] DistributionScores? Distribution);

/// <summary>The table of <c>cyclegan eval epochs</c> (written as <c>scores.json</c>).</summary>
public sealed record EpochSweepResult(
    [property: JsonPropertyName("run")] string Run,
    [property: JsonPropertyName("metric")] string Metric,
    [property: JsonPropertyName("score")] string Score,
    [property: JsonPropertyName("higher_is_better")] bool HigherIsBetter,
    [property: JsonPropertyName("best_epoch")] int BestEpoch,
    [property: JsonPropertyName("last_epoch")] int LastEpoch,
    [property: JsonPropertyName("pred_visual")] string PredVisual,
    [property: JsonPropertyName("gt_visual")] string GtVisual,
    [property: JsonPropertyName("epochs")] IReadOnlyList<EpochScore> Epochs);

/// <summary>
/// <c>cyclegan eval epochs</c>: runs the official test with the generators of every saved numeric epoch of a run
/// (<c>latest</c> and <c>iter_N</c> excluded), scores each with the existing scorers, and writes a report folder:
/// <c>index.html</c> (the table, the best and the last epoch marked), <c>scores.json</c> and <c>plots/epochs.png</c>.
/// Epochs are ranked by pixel accuracy (labels, fcn: higher is better) or FD-ResNet18 (fd: lower is better).
/// </summary>
public static partial class EpochSweep
{
    /// <summary>Flags read back from the run's train_opt.txt: what builds the same networks and loads the same data.</summary>
    static readonly string[] RunFlags =
    [
        "model", "input_nc", "output_nc", "ngf", "ndf", "netD", "netG", "n_layers_D", "norm", "no_dropout", "nz",
        "cogan_inference_steps", "dataset_mode", "direction", "load_size", "crop_size", "preprocess", "kernels", "precision",
    ];

    [GeneratedRegex(@"^(\d+)_net_.+\.pth$")]
    private static partial Regex EpochFile();

    /// <summary>The numeric epochs with a saved checkpoint in the run folder, ascending.</summary>
    public static IReadOnlyList<int> SavedEpochs(string runDir)
    {
        if (!Directory.Exists(runDir)) throw new UserError($"--run {runDir} does not exist");
        return Directory.EnumerateFiles(runDir, "*.pth")
            .Select(f => EpochFile().Match(Path.GetFileName(f)))
            .Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            .Distinct().Order().ToList();
    }

    public static EpochSweepResult Run(EpochSweepOptions o, Action<string>? log = null)
    {
        var runDir = Path.GetFullPath(o.RunDir.TrimEnd('/', Path.DirectorySeparatorChar));
        var epochs = SavedEpochs(runDir);
        if (epochs.Count == 0)
            throw new UserError($"--run {o.RunDir} has no <epoch>_net_*.pth checkpoints with a numeric epoch " +
                $"(train with --save_epoch_freq)");
        var palette = o.Metric is SweepMetric.Labels or SweepMetric.Fcn
            ? Evaluation.Palette.Load(o.Palette ?? throw new UserError($"--metric {Name(o.Metric)} needs --palette"))
            : null;
        if (o.Metric == SweepMetric.Fcn && o.Segmenter == null) throw new UserError("--metric fcn needs --segmenter");
        var results = Path.Combine(Path.GetFullPath(o.Out), "results");

        var rows = new List<(int Epoch, double Score, SegmentationScores? Seg, DistributionScores? Dist)>();
        Segmenter? segmenter = null;
        ResNet18Features? features = null;
        double[][]? realFeatures = null;
        try
        {
            if (o.Metric == SweepMetric.Fcn)
            {
                segmenter = SegmenterFile.Load(o.Segmenter!).Network;
                segmenter.to(TorchRuntime.ResolveDevice(o.Device));
            }
            if (o.Metric == SweepMetric.Fd) features = new ResNet18Features();
            foreach (var epoch in epochs)
            {
                var dir = TestRunner.Run(TestOptionsFor(o, runDir, results, epoch));
                var pairs = EvalImages.Match(dir, dir, "_" + o.PredVisual, "_" + o.GtVisual, o.PredVisual, o.GtVisual);
                switch (o.Metric)
                {
                    case SweepMetric.Labels:
                        var l = LabelScorer.Score(pairs, palette!, examples: 0).Scores;
                        rows.Add((epoch, l.PixelAccuracy, l, null));
                        break;
                    case SweepMetric.Fcn:
                        var f = FcnScorer.Score(segmenter!, pairs, palette!, examples: 0).Scores;
                        rows.Add((epoch, f.PixelAccuracy, f, null));
                        break;
                    default:
                        // The real images are the same for every epoch: their features are extracted once.
                        realFeatures ??= features!.ExtractFiles(pairs.Select(p => p.GroundTruthPath).ToList());
                        var fake = features!.ExtractFiles(pairs.Select(p => p.PredictionPath).ToList());
                        var d = DistributionScores.Compute(fake, realFeatures, o.KdSubsets);
                        rows.Add((epoch, d.FdResNet18, null, d));
                        break;
                }
                log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}: {ScoreName(o.Metric)} {rows[^1].Score:0.0000}"));
            }
        }
        finally
        {
            segmenter?.Dispose();
            features?.Dispose();
        }

        bool higher = o.Metric != SweepMetric.Fd;
        var ranked = rows.Where(r => double.IsFinite(r.Score)).ToList();
        int best = ranked.Count == 0 ? rows[^1].Epoch
            : (higher ? ranked.MaxBy(r => r.Score) : ranked.MinBy(r => r.Score)).Epoch;
        int last = rows[^1].Epoch;
        var table = rows.Select(r => new EpochScore(r.Epoch, r.Score, r.Epoch == best, r.Epoch == last, r.Seg, r.Dist)).ToList();
        var result = new EpochSweepResult(Path.GetFileName(runDir), Name(o.Metric), ScoreName(o.Metric), higher, best, last,
            o.PredVisual, o.GtVisual, table);
        WriteReport(o.Out, result);
        return result;
    }

    public static string Name(SweepMetric m) => m.ToString().ToLowerInvariant();

    static string ScoreName(SweepMetric m) => m == SweepMetric.Fd ? "fd_resnet18" : "pixel_accuracy";

    static TestOptions TestOptionsFor(EpochSweepOptions o, string runDir, string resultsDir, int epoch)
    {
        var train = TrainOptFile.Read(runDir);
        // The run's model (train's own default where the file names none), its defaults, then the run's flags.
        var t = TestOptions.For(train.ApplyTo(new TrainOptions(), ["model"]).Model);
        train.ApplyTo(t, RunFlags);
        t.Dataroot = o.Dataroot;
        t.CheckpointsDir = Path.GetDirectoryName(runDir)!;
        t.Name = Path.GetFileName(runDir);
        t.ResultsDir = resultsDir;
        t.Compute = new() { Device = o.Device ?? "" };
        t.Phase = o.Phase;
        t.NumTest = o.NumTest;
        t.Epoch = epoch.ToString(CultureInfo.InvariantCulture);
        // Every epoch is scored the same way: dropout and batch norm in eval mode (test.py --eval).
        t.Eval = true;
        t.ApplyTestOverrides();
        return t;
    }

    static void WriteReport(string dir, EpochSweepResult r)
    {
        var page = new HtmlReport($"Every saved epoch of {r.Run}: {r.Metric}");
        page.Paragraph($"{r.Score} of {r.PredVisual} against {r.GtVisual} ({(r.HigherIsBetter ? "higher" : "lower")} is better): " +
                       $"best epoch {r.BestEpoch}, last epoch {r.LastEpoch}.");
        bool seg = r.Metric != "fd";
        IReadOnlyList<string> header = seg
            ? ["epoch", "pixel accuracy", "mean class accuracy", "mean class IoU", "images", ""]
            : ["epoch", "FD-ResNet18", "KD-ResNet18 (mean ± std)", "images", ""];
        page.Table(header, r.Epochs.Select(e => (IReadOnlyList<string>)(seg
            ? [I(e.Epoch), F(e.Segmentation!.PixelAccuracy), F(e.Segmentation.MeanClassAccuracy), F(e.Segmentation.MeanClassIou),
                I(e.Segmentation.Images), Mark(e)]
            : [I(e.Epoch), F(e.Distribution!.FdResNet18, "0.000"), F(e.Distribution.KdResNet18, "0.00000") + " ± "
                + F(e.Distribution.KdResNet18Std, "0.00000"),
                I(e.Distribution.ImagesA), Mark(e)])), "Scores per epoch");
        Plots.Epochs(Path.Combine(dir, "plots", "epochs.png"), r.Epochs.Select(e => (double)e.Epoch).ToArray(),
            r.Epochs.Select(e => e.Score).ToArray(), r.BestEpoch, r.LastEpoch, $"{r.Score} per epoch", r.Score);
        page.Heading("Plot").Plot("plots/epochs.png", $"{r.Score} per saved epoch; best and last epoch marked");
        EvalJson.Write(Path.Combine(dir, "scores.json"), r);
        page.Link("scores.json", "scores.json (machine-readable)");
        page.Save(Path.Combine(dir, "index.html"));
    }

    static string Mark(EpochScore e) => string.Join(", ", new[] { e.Best ? "best" : null, e.Last ? "last" : null }.OfType<string>());

    static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    static string F(double v, string fmt = "0.0000") => double.IsNaN(v) ? "–" : v.ToString(fmt, CultureInfo.InvariantCulture);
}
