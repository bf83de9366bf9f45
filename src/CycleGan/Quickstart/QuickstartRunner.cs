using System.Diagnostics;
using System.Globalization;
using CycleGan.Data;
using CycleGan.Data.Synth;
using CycleGan.Evaluation;
using CycleGan.Models;
using CycleGan.Options;
using CycleGan.Reporting;
using CycleGan.Inference;
using CycleGan.Training;
using TorchSharp;

namespace CycleGan.Quickstart;

/// <summary>
/// <c>cyclegan quickstart</c>: writes a synthetic street dataset (A = label maps, B = photos), saves the freshly
/// initialised generators, trains a small CycleGAN for at most the time budget, translates the test split in both
/// directions with the trained and the untrained generators, scores photo→labels (G_B) against the test label maps,
/// and writes <c>index.html</c> and <c>scores.json</c>. Layout under the output folder:
/// <code>
/// index.html, scores.json, loss.png, images/   the page and what it shows
/// data/                                          the synthetic dataset (palette.json included)
/// checkpoints/quickstart/                        latest_net_*.pth, untrained_net_*.pth, loss_log.txt/jsonl
/// results/quickstart/test_latest|test_untrained/ the official test.py output of both
/// </code>
/// </summary>
public static class QuickstartRunner
{
    public const string Name = "quickstart";
    const string Untrained = "untrained";

    public static QuickstartResult Run(QuickstartOptions o, IEnumerable<ITrainingObserver>? observers = null, Action<string>? log = null,
        CancellationToken cancel = default)
    {
        o.Validate();
        var total = Stopwatch.StartNew();
        if (o.Precision == "auto")
        {
            // decided once, for the quickstart's own network; scores.json records what ran
            var probe = Networks.PrecisionChoice.Probe.ForGenerator(o.Ngf, o.Size);
            o = o with { Precision = Networks.PrecisionChoice.Resolve("auto", probe) };
            log?.Invoke(Networks.PrecisionChoice.Explain(probe));
        }
        // An old run folder would be resumed by nothing but would append to its loss log.
        var folder = RunFolder.Start(o.Output, r => [Path.Combine(r.Checkpoints, Name), Path.Combine(r.Results, Name)]);
        var (data, checkpoints, results) = (folder.Data, folder.Checkpoints, folder.Results);

        var synth = SynthDataset.Write(new SynthOptions(data, Size: o.Size, Train: o.Train, Test: o.Test, Seed: o.Seed, Force: true));
        log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"wrote the synthetic dataset ({o.Train} + {o.Train} training " +
            $"images, {o.Test} test scenes, {o.Size} px) to {data} in {synth.Elapsed.TotalSeconds:F1} s"));

        var train = TrainOptionsFor(o, data, checkpoints);
        var runDir = Path.Combine(checkpoints, Name);
        SaveUntrained(train, runDir);

        var lossLog = new LossLog(runDir);
        var clock = Stopwatch.StartNew();
        using var budget = new CancellationTokenSource(TimeSpan.FromMinutes(o.Minutes));
        var outcome = new Trainer(train, [lossLog, .. observers ?? []]).Run(cancel, budget.Token);
        var training = new QuickstartTraining(outcome.TotalIters, (long)o.Train * (o.NEpochs + o.NEpochsDecay), clock.Elapsed.TotalSeconds,
            outcome.StoppedEarly);
        log?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"trained {training.Iterations} of {training.PlannedIterations} iterations in {training.Seconds:F0} " +
            $"s{(training.StoppedByBudget ? " (stopped by the time budget)" : "")}"));

        var trainedDir = Path.Combine(TestRunner.Run(TestOptionsFor(o, data, checkpoints, results, "latest")), "images");
        var untrainedDir = Path.Combine(TestRunner.Run(TestOptionsFor(o, data, checkpoints, results, Untrained)), "images");
        log?.Invoke($"translated {o.Test} test scenes in both directions with the trained and the untrained generators");

        var palette = Palette.Load(Path.Combine(data, "palette.json"));
        var stems = Directory.GetFiles(Path.Combine(data, "testA"), "*.png").Select(Path.GetFileNameWithoutExtension).OfType<string>()
            .Order(StringComparer.Ordinal).ToList();
        string TestA(string stem) => Path.Combine(data, "testA", stem + ".png");
        string TestB(string stem) => Path.Combine(data, "testB", stem + ".png");
        string Result(string dir, string stem, string visual) => Path.Combine(dir, $"{stem}_{visual}.png");

        var trained = LabelScorer.Score(stems.Select(s => new ImagePair(s, Result(trainedDir, s, "fake_A"), TestA(s))).ToList(), palette,
            examples: 0);
        var untrained = LabelScorer.Score(stems.Select(s => new ImagePair(s, Result(untrainedDir, s, "fake_A"), TestA(s))).ToList(),
            palette, examples: 0);
        var identity = LabelScorer.Score(stems.Select(s => new ImagePair(s, TestB(s), TestA(s))).ToList(), palette, examples: 0);
        var pixels = trained.Scores.PerClass.Select(c => c.Pixels).ToList();
        var photoToLabels = new PhotoToLabelsScores(trained.Scores, untrained.Scores, identity.Scores,
            (double)pixels.Max() / Math.Max(1, pixels.Sum()));
        var labelsToPhoto = new LabelsToPhotoScores(
            PhotoScoresOf(stems.Select(s => new ImagePair(s, Result(trainedDir, s, "fake_B"), TestB(s))).ToList()),
            PhotoScoresOf(stems.Select(s => new ImagePair(s, Result(untrainedDir, s, "fake_B"), TestB(s))).ToList()));

        var scores = new QuickstartScores(photoToLabels, labelsToPhoto, training, Math.Round(total.Elapsed.TotalSeconds, 1), o);
        WritePage(folder, scores, stems.Take(o.Examples).ToList(), trainedDir, untrainedDir, data, palette, lossLog);
        // Written last, so that a scores.json beside the page means the whole run finished.
        scores = scores with { TotalSeconds = Math.Round(total.Elapsed.TotalSeconds, 1) };
        EvalJson.Write(folder.Scores, scores);
        return new QuickstartResult(folder.Root, folder.Page, folder.Scores, scores);
    }

    /// <summary>The official training options with the quickstart's sizes: no training page, checkpoints only at the end.</summary>
    public static TrainOptions TrainOptionsFor(QuickstartOptions o, string dataroot, string checkpointsDir)
    {
        var t = TrainOptions.For("cycle_gan") with
        {
            Dataroot = dataroot, Name = Name, CheckpointsDir = checkpointsDir,
            Compute = new() { Device = o.Device, Precision = o.Precision },
            NetG = o.NetG, Ngf = o.Ngf, Ndf = o.Ndf, LoadSize = o.Size, CropSize = o.Size, Seed = o.Seed,
            Lr = o.Lr, NEpochs = o.NEpochs, NEpochsDecay = o.NEpochsDecay,
            PrintFreq = 20, DisplayFreq = int.MaxValue, UpdateHtmlFreq = int.MaxValue, NoHtml = true,
            SaveLatestFreq = int.MaxValue, SaveEpochFreq = int.MaxValue,
        };
        t.Flags<CycleGanOptions>().LambdaIdentity = o.LambdaIdentity;
        return t;
    }

    static TestOptions TestOptionsFor(QuickstartOptions o, string dataroot, string checkpointsDir, string resultsDir, string epoch)
    {
        var t = TestOptions.For("cycle_gan") with
        {
            Dataroot = dataroot, Name = Name, CheckpointsDir = checkpointsDir, ResultsDir = resultsDir,
            Compute = new() { Device = o.Device, Precision = o.Precision },
            DatasetMode = "unaligned", NetG = o.NetG, Ngf = o.Ngf, Ndf = o.Ndf,
            LoadSize = o.Size, CropSize = o.Size, Seed = o.Seed, Epoch = epoch, NumTest = o.Test, Eval = true,
        };
        t.ApplyTestOverrides();
        return t;
    }

    /// <summary>
    /// Saves the generators exactly as the trainer will initialise them (same seed, same construction order), so that
    /// the untrained scores are those of the starting point of this very run.
    /// </summary>
    static void SaveUntrained(TrainOptions train, string runDir)
    {
        TorchRuntime.EnsureLoaded();
        Directory.CreateDirectory(runDir);
        var device = TorchRuntime.ResolveDevice(train.DeviceSpec());
        torch.manual_seed(train.Seed);
        using var model = ModelRegistry.Create(train, isTrain: true, device);
        model.SaveNetworks(runDir, Untrained);
    }

    static PhotoScores PhotoScoresOf(IReadOnlyList<ImagePair> pairs)
    {
        var s = PairedScores.Evaluate(pairs, AbSide.Full, AbSide.Full);
        return new PhotoScores(s.L1, s.Psnr, s.Ssim);
    }

    static string P(double v) => double.IsNaN(v) ? "n/a" : (100 * v).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    static string N(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);

    static void WritePage(RunFolder folder, QuickstartScores s, IReadOnlyList<string> examples, string trainedDir,
        string untrainedDir, string data, Palette palette, LossLog lossLog)
    {
        var p = s.PhotoToLabels;
        var page = new HtmlReport("CycleGAN quickstart: synthetic streets, photo ↔ labels");
        var budget = s.Training.StoppedByBudget ? string.Create(CultureInfo.InvariantCulture,
            $" (stopped by the {s.Options.Minutes:G} minute budget)") : "";
        page.Paragraph(string.Create(CultureInfo.InvariantCulture,
            $"A CycleGAN (netG {s.Options.NetG}, ngf {s.Options.Ngf}, ndf {s.Options.Ndf}) trained on {s.Options.Train} unpaired label " +
            $"maps and {s.Options.Train} photos of {s.Options.Size} px for {s.Training.Iterations} of {s.Training.PlannedIterations} " +
            $"planned iterations in {s.Training.Seconds:F0} s{budget}. Scores over the {s.Options.Test} test scenes; photo→labels " +
            $"predictions are read by nearest palette colour."));

        page.Heading("Photo → labels (G_B)");
        page.Table(["generator", "pixel accuracy", "mean class accuracy", "mean class IoU"],
        [
            ["trained", P(p.Trained.PixelAccuracy), P(p.Trained.MeanClassAccuracy), P(p.Trained.MeanClassIou)],
            ["untrained (same initialisation)", P(p.Untrained.PixelAccuracy), P(p.Untrained.MeanClassAccuracy),
                P(p.Untrained.MeanClassIou)],
            ["identity (the photo read as labels)", P(p.Identity.PixelAccuracy), P(p.Identity.MeanClassAccuracy),
                P(p.Identity.MeanClassIou)],
            ["most frequent class everywhere", P(p.MajorityClassPixelAccuracy), "", ""],
        ]);
        page.Table(["class", "pixels", "accuracy, trained", "IoU, trained", "accuracy, untrained", "IoU, untrained"],
            p.Trained.PerClass.Select((c, i) => (IReadOnlyList<string>)[c.Name, c.Pixels.ToString(CultureInfo.InvariantCulture),
                P(c.Accuracy), P(c.Iou), P(p.Untrained.PerClass[i].Accuracy), P(p.Untrained.PerClass[i].Iou)]), "per class");

        page.Heading("Labels → photo (G_A)");
        var l = s.LabelsToPhoto;
        page.Table(["generator", "L1 (lower is better)", "PSNR dB", "SSIM"],
        [
            ["trained", N(l.Trained.L1, "0.000"), N(l.Trained.Psnr, "0.00"), N(l.Trained.Ssim, "0.000")],
            ["untrained", N(l.Untrained.L1, "0.000"), N(l.Untrained.Psnr, "0.00"), N(l.Untrained.Ssim, "0.000")],
        ]);

        page.Heading("Test examples");
        var images = folder.Images;
        Directory.CreateDirectory(images);
        var width = Math.Max(128, s.Options.Size * 2);
        foreach (var stem in examples)
        {
            var predicted = ImageFile.LoadRgb(Path.Combine(trainedDir, stem + "_fake_A.png"));
            var row = new (string File, string Caption, RgbImage Image)[]
            {
                ("photo", "real photo", ImageFile.LoadRgb(Path.Combine(data, "testB", stem + ".png"))),
                ("labels", "predicted labels", predicted),
                ("labels_palette", "predicted labels, nearest palette colours", palette.Colorize(palette.ToIndexMap(predicted),
                    predicted.Width, predicted.Height)),
                ("labels_untrained", "untrained prediction", ImageFile.LoadRgb(Path.Combine(untrainedDir, stem + "_fake_A.png"))),
                ("truth", "ground-truth labels", ImageFile.LoadRgb(Path.Combine(data, "testA", stem + ".png"))),
                ("generated", "photo generated from the labels", ImageFile.LoadRgb(Path.Combine(trainedDir, stem + "_fake_B.png"))),
            };
            foreach (var (file, _, image) in row) ImageFile.SavePng(image, Path.Combine(images, $"{stem}_{file}.png"));
            page.ImageRow(row.Select(r => new ReportImage($"images/{stem}_{r.File}.png", r.Caption)), stem, width);
        }

        if (lossLog.History.Count > 1)
        {
            var xs = lossLog.History.Select(h => (double)h.TotalIters).ToList();
            var series = lossLog.History[^1].Losses.Keys.ToDictionary(k => k,
                k => (IReadOnlyList<double>)lossLog.History.Select(h => h.Losses.TryGetValue(k, out var v) ? v : double.NaN).ToList());
            Plots.Series(Path.Combine(folder.Root, "loss.png"), xs, series, "training losses", "iterations", "loss");
            page.Heading("Training losses");
            page.Plot("loss.png", "losses over iterations (checkpoints/quickstart/loss_log.jsonl)");
        }
        page.Link("scores.json", "scores.json: every number on this page, and the options of this run");
        page.Save(folder.Page);
    }
}
