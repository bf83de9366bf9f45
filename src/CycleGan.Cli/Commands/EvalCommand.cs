using System.CommandLine;
using System.Globalization;
using CycleGan.Evaluation;
using TorchSharp;

namespace CycleGan.Cli.Commands;

/// <summary>
/// `cyclegan eval`: scores of the pix2pix/CycleGAN papers' evaluations. Each sub-command binds its options record
/// (CycleGan.Evaluation), calls the library, prints a summary, and writes JSON (--json) and a report page (--report DIR).
/// </summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var cmd = new Command("eval", "Evaluate results: segmentation scores (labels, fcn-score), FD/KD-ResNet18 " +
            "(fd), L1/PSNR/SSIM (paired), video flicker (temporal)");
        cmd.Subcommands.Add(Labels());
        cmd.Subcommands.Add(SegmenterTrain());
        cmd.Subcommands.Add(FcnScore());
        cmd.Subcommands.Add(Fd());
        cmd.Subcommands.Add(Paired());
        cmd.Subcommands.Add(Epochs());
        cmd.Subcommands.Add(Temporal());
        return cmd;
    }

    /// <summary>A sub-command whose flags are <typeparamref name="T"/>'s and whose action gets the bound record.</summary>
    static Command Sub<T>(string name, string description, Func<ParseResult, T, int> action) where T : class, new()
    {
        var cmd = new Command(name, description);
        var binder = new OptionBinder<T>(cmd);
        cmd.SetAction(r => action(r, binder.Bind(r)));
        return cmd;
    }

    static Action<int, int> Progress(TextWriter err, string what) => (i, n) =>
    {
        if (i == n || i % Math.Max(1, n / 10) == 0) err.WriteLine($"{what}: {i}/{n}");
    };

    static string F(double v) => double.IsNaN(v) ? "n/a" : v.ToString("0.0000", CultureInfo.InvariantCulture);

    static Command Labels() => Sub<LabelsEvalOptions>("labels",
        "Photo→labels scores: every pixel is mapped to the nearest palette colour; one confusion matrix over all images " +
        "gives pixel accuracy, mean class accuracy and mean class IoU. Example (ground truth against itself): " +
        "eval labels --pred facades/test --pred_side right --gt facades/test --gt_side right --palette facades/palette.pix2pix.json",
        (r, o) =>
        {
            var pal = Palette.Load(o.Palette);
            var ps = EvalOutputOptions.ParseSide(o.PredSide, "pred_side");
            var gs = EvalOutputOptions.ParseSide(o.GtSide, "gt_side");
            var pairs = EvalImages.Match(o.Pred, o.Gt, "_fake_B", "_real_B", "prediction", "ground-truth");
            var ev = LabelScorer.Score(pairs, pal, ps, gs, o.Examples, Progress(r.InvocationConfiguration.Error, "labels"));
            return Finish(r, ev, o, "Photo→labels scores", [$"predictions: {o.Pred} ({ps}), ground truth: {o.Gt} ({gs})"]);
        });

    static int Finish(ParseResult r, LabelEvaluation ev, EvalOutputOptions o, string title, IReadOnlyList<string> notes)
    {
        var s = ev.Scores;
        r.InvocationConfiguration.Output.WriteLine($"pixel_accuracy {F(s.PixelAccuracy)}  mean_class_accuracy {F(s.MeanClassAccuracy)}  " +
            $"mean_class_iou {F(s.MeanClassIou)}  ({s.Images} images)");
        if (o.Json is { } j) EvalJson.Write(j, s);
        if (o.Report is { } d) EvalReport.WriteLabels(d, title, ev, notes);
        return 0;
    }

    static Command SegmenterTrain() => Sub<SegmenterTrainEvalOptions>("segmenter-train",
        "Train the U-Net segmenter used by fcn-score on real photo/label pairs (Adam, cross-entropy on palette indices)",
        (r, c) =>
        {
            var o = c.Training();
            var pal = Palette.Load(c.Palette);
            var dev = TorchRuntime.ResolveDevice(c.Device);
            var err = r.InvocationConfiguration.Error;
            var (photos, targets) = SegmenterTrainer.LoadPairs(c.Dataroot, pal, o);
            using (photos)
            using (targets)
            {
                err.WriteLine($"segmenter-train: {photos.shape[0]} pairs at {o.ImageSize} px, {o.Epochs} epochs on {dev}");
                var names = pal.Classes.Select(x => x.Name).ToArray();
                // Saved after every epoch (atomically), so a stopped run still leaves its latest network.
                using var net = SegmenterTrainer.Train(photos, targets, pal.Count, o, dev, (e, latest) =>
                {
                    SegmenterFile.Save(latest, names, c.Out);
                    err.WriteLine($"epoch {e.Epoch}/{e.Epochs}  loss {e.Loss:0.0000}  train pixel accuracy {e.PixelAccuracy:0.0000}  " +
                        $"({e.Elapsed.TotalSeconds:0} s)");
                });
            }
            r.InvocationConfiguration.Output.WriteLine($"saved segmenter to {c.Out}");
            return 0;
        });

    static Command FcnScore() => Sub<FcnScoreEvalOptions>("fcn-score",
        "FCN-score of labels→photo results: segment the photos and score against the input labels. Upper bound on real photos: " +
        "eval fcn-score --segmenter seg.safetensors --photos facades/test --photos_side left --gt facades/test --gt_side right "
        + "--palette facades/palette.pix2pix.json",
        (r, o) =>
        {
            var pal = Palette.Load(o.Palette);
            var ps = EvalOutputOptions.ParseSide(o.PhotosSide, "photos_side");
            var gs = EvalOutputOptions.ParseSide(o.GtSide, "gt_side");
            var pairs = EvalImages.Match(o.Photos, o.Gt, "_fake_B", "_real_A", "photo", "label");
            var dev = TorchRuntime.ResolveDevice(o.Device);
            var (net, _) = SegmenterFile.Load(o.Segmenter);
            using (net)
            {
                net.to(dev);
                var ev = FcnScorer.Score(net, pairs, pal, ps, gs, o.Examples, Progress(r.InvocationConfiguration.Error, "fcn-score"));
                return Finish(r, ev, o, "FCN-score (labels→photo)",
                    [$"segmenter: {o.Segmenter}", $"photos: {o.Photos} ({ps}), labels: {o.Gt} ({gs})"]);
            }
        });

    static Command Fd() => Sub<FdEvalOptions>("fd",
        "FD-ResNet18 (Fréchet distance) and KD-ResNet18 (unbiased polynomial-kernel MMD², mean ± std over subsets) between two " +
        "folders, on 512-d pooled ImageNet ResNet18 features (images resized bilinearly to 224×224). " +
        "Not comparable with Inception-based FID/KID numbers.",
        (r, o) =>
        {
            var fa = EvalImages.List(o.A, "_fake_B", "--a").Values.ToList();
            var fb = EvalImages.List(o.B, "_fake_B", "--b").Values.ToList();
            var err = r.InvocationConfiguration.Error;
            using var feats = new ResNet18Features();
            var xa = feats.ExtractFiles(fa, Progress(err, "features A"));
            var xb = feats.ExtractFiles(fb, Progress(err, "features B"));
            var kd = KernelDistance.Compute(xa, xb, o.Subsets, o.SubsetSize, o.Seed);
            var s = DistributionScores.From(FrechetDistance.Compute(xa, xb), kd, xa.Length, xb.Length);
            r.InvocationConfiguration.Output.WriteLine(
                $"FD-ResNet18 {s.FdResNet18.ToString("0.000", CultureInfo.InvariantCulture)}  " +
                $"KD-ResNet18 {s.KdResNet18.ToString("0.00000", CultureInfo.InvariantCulture)} " +
                $"± {s.KdResNet18Std.ToString("0.00000", CultureInfo.InvariantCulture)}  ({s.ImagesA} vs {s.ImagesB} images)");
            if (o.Json is { } j) EvalJson.Write(j, s);
            if (o.Report is { } d)
            {
                ExampleRow Row(string label, IEnumerable<string> files) =>
                    new(label, files.Take(o.Examples).Select(f => (Path.GetFileName(f), CycleGan.Data.ImageFile.LoadRgb(f))).ToList());
                EvalReport.WriteDistribution(d, "FD/KD-ResNet18", s, kd.Values, [Row("A", fa), Row("B", fb)], [$"A: {o.A}", $"B: {o.B}"]);
            }
            return 0;
        });

    static Command Paired() => Sub<PairedEvalOptions>("paired",
        "L1 (0..1), PSNR (dB, peak 255) and SSIM (11×11 Gaussian, σ 1.5) of aligned pairs, averaged over images",
        (r, o) =>
        {
            var ps = EvalOutputOptions.ParseSide(o.PredSide, "pred_side");
            var gs = EvalOutputOptions.ParseSide(o.GtSide, "gt_side");
            var pairs = EvalImages.Match(o.Pred, o.Gt, "_fake_B", "_real_B", "generated", "ground-truth");
            var s = PairedScores.Evaluate(pairs, ps, gs, Progress(r.InvocationConfiguration.Error, "paired"));
            r.InvocationConfiguration.Output.WriteLine($"L1 {F(s.L1)}  PSNR {s.Psnr.ToString("0.00", CultureInfo.InvariantCulture)} dB  " +
                $"SSIM {F(s.Ssim)}  ({s.Images} images)");
            if (o.Json is { } j) EvalJson.Write(j, s);
            if (o.Report is { } d)
            {
                var rows = pairs.Take(o.Examples).Select(p => new ExampleRow(p.Stem,
                    [("generated", EvalImages.Load(p.PredictionPath, ps)), ("ground truth", EvalImages.Load(p.GroundTruthPath, gs))]))
                        .ToList();
                EvalReport.WritePaired(d, "Paired metrics", s, rows, [$"generated: {o.Pred} ({ps}), ground truth: {o.Gt} ({gs})"]);
            }
            return 0;
        });

    static Command Epochs() => Sub<EpochsEvalOptions>("epochs",
        "Test every saved numeric epoch of a run (latest excluded), score it, and write a table (index.html, scores.json) " +
        "and plots/epochs.png with the best and the last epoch marked. Ranked by pixel accuracy (labels, fcn) or FD-ResNet18 (fd)",
        (r, c) =>
        {
            var o = c.Sweep();
            var err = r.InvocationConfiguration.Error;
            var res = EpochSweep.Run(o, err.WriteLine);
            var best = res.Epochs.First(e => e.Best);
            var last = res.Epochs.First(e => e.Last);
            r.InvocationConfiguration.Output.WriteLine(
                $"{res.Epochs.Count} epochs, {res.Score}: best epoch {best.Epoch} ({F(best.Score)}), last epoch {last.Epoch} " +
                $"({F(last.Score)}); report {Path.Combine(o.Out, "index.html")}");
            return 0;
        });

    static Command Temporal() => Sub<TemporalEvalOptions>("temporal",
        "Flicker of a translated video: the warping error E_warp of Lai et al. 2018 (frame t+1 warped to frame t by the input's " +
        "flow, Ruder et al.'s occlusion mask, mean squared RGB difference in [0, 1]) of the output and of the input, and " +
        "their ratio. Example: datasets synth --video --out clip; translate --input clip/clip.mp4 --output out.mp4 ...; " +
        "eval temporal --input clip/clip.mp4 --output out.mp4 --flow clip/flow (without --flow: OpenCV's Farneback flow of " +
        "the input, forward and backward)",
        (r, o) =>
        {
            var s = TemporalConsistency.ScoreFiles(o);
            r.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"E_warp output {s.OutputEwarp:0.000000}  input {s.InputEwarp:0.000000}  ratio {s.Ratio:0.000}  ({s.Frames} frames)"));
            if (o.Json is { } j) EvalJson.Write(j, s);
            if (o.Report is { } d)
                EvalReport.WriteTemporal(d, "Temporal consistency (warping error)", s, [$"input: {o.Input}", $"output: {o.Output}"]);
            return 0;
        });
}
