using System.CommandLine;
using System.Globalization;
using CycleGan.Evaluation;
using TorchSharp;

namespace CycleGan.Cli.Commands;

/// <summary>
/// `cyclegan eval`: scores of the pix2pix/CycleGAN papers' evaluations. Each sub-command parses, calls
/// CycleGan.Evaluation, prints a summary, and writes JSON (--json) and a report page (--report DIR).
/// </summary>
public static class EvalCommand
{
    const string SideHelp = "which part of each file to read: full (default), left or right half of a side-by-side AB file " +
                            "(facades: photo = left, labels = right)";

    public static Command Create()
    {
        var cmd = new Command("eval", "Evaluate results: segmentation scores (labels, fcn-score), FD/KD-ResNet18 (fd), L1/PSNR/SSIM (paired)");
        cmd.Subcommands.Add(Labels());
        cmd.Subcommands.Add(SegmenterTrain());
        cmd.Subcommands.Add(FcnScore());
        cmd.Subcommands.Add(Fd());
        cmd.Subcommands.Add(Paired());
        cmd.Subcommands.Add(Epochs());
        return cmd;
    }

    static Option<string> Req(string name, string help) => new(name) { Description = help, Required = true };

    static Option<string> Side(string name, string what) => new(name) { Description = what + ": " + SideHelp, DefaultValueFactory = _ => "full" };

    static Option<string?> JsonOpt() => new("--json") { Description = "also write the scores as JSON to this file" };

    static Option<string?> ReportOpt() => new("--report") { Description = "write a report folder: index.html with tables, examples and plots, scores.json beside it" };

    static Option<int> ExamplesOpt() => new("--examples") { Description = "example rows on the report page", DefaultValueFactory = _ => 4 };

    static AbSide ParseSide(string? s, string option) => s?.Trim().ToLowerInvariant() switch
    {
        null or "" or "full" => AbSide.Full,
        "left" or "a" => AbSide.Left,
        "right" or "b" => AbSide.Right,
        _ => throw new UserError($"{option} {s}: expected full, left or right"),
    };

    static Action<int, int> Progress(TextWriter err, string what) => (i, n) =>
    {
        if (i == n || i % Math.Max(1, n / 10) == 0) err.WriteLine($"{what}: {i}/{n}");
    };

    static string F(double v) => double.IsNaN(v) ? "n/a" : v.ToString("0.0000", CultureInfo.InvariantCulture);

    static Command Labels()
    {
        var pred = Req("--pred", "folder of predicted label maps, or a `cyclegan test` results folder (<stem>_fake_B.png predictions)");
        var gt = Req("--gt", "folder of ground-truth label maps matched by file stem, or a results folder (<stem>_real_B.png)");
        var palette = Req("--palette", "palette JSON: {\"classes\": [{\"name\": ..., \"rgb\": [r, g, b]}, ...]} (e.g. datasets/facades/palette.pix2pix.json)");
        var predSide = Side("--pred-side", "predictions");
        var gtSide = Side("--gt-side", "ground truth (facades/test: right)");
        var json = JsonOpt(); var report = ReportOpt(); var examples = ExamplesOpt();
        var cmd = new Command("labels", "Photo→labels scores: every pixel is mapped to the nearest palette colour; one confusion matrix over all images " +
                                        "gives pixel accuracy, mean class accuracy and mean class IoU. Example (ground truth against itself): " +
                                        "eval labels --pred facades/test --pred-side right --gt facades/test --gt-side right --palette facades/palette.pix2pix.json")
            { pred, gt, palette, predSide, gtSide, json, report, examples };
        cmd.SetAction(r =>
        {
            var pal = Palette.Load(r.GetValue(palette)!);
            var ps = ParseSide(r.GetValue(predSide), "--pred-side");
            var gs = ParseSide(r.GetValue(gtSide), "--gt-side");
            var pairs = EvalImages.Match(r.GetValue(pred)!, r.GetValue(gt)!, "_fake_B", "_real_B", "prediction", "ground-truth");
            var ev = LabelScorer.Score(pairs, pal, ps, gs, r.GetValue(examples), Progress(r.InvocationConfiguration.Error, "labels"));
            return Finish(r, ev, json, report, "Photo→labels scores", [$"predictions: {r.GetValue(pred)} ({ps}), ground truth: {r.GetValue(gt)} ({gs})"]);
        });
        return cmd;
    }

    static int Finish(ParseResult r, LabelEvaluation ev, Option<string?> json, Option<string?> report, string title, IReadOnlyList<string> notes)
    {
        var s = ev.Scores;
        r.InvocationConfiguration.Output.WriteLine($"pixel_accuracy {F(s.PixelAccuracy)}  mean_class_accuracy {F(s.MeanClassAccuracy)}  mean_class_iou {F(s.MeanClassIou)}  ({s.Images} images)");
        if (r.GetValue(json) is { } j) EvalJson.Write(j, s);
        if (r.GetValue(report) is { } d) EvalReport.WriteLabels(d, title, ev, notes);
        return 0;
    }

    static Command SegmenterTrain()
    {
        var dataroot = Req("--dataroot", "folder of side-by-side photo|labels files, e.g. datasets/facades/train");
        var palette = Req("--palette", "palette JSON of the label colours");
        var output = Req("--out", "segmenter file to write (safetensors)");
        var photoSide = new Option<string>("--photo-side") { Description = "half of each file holding the photo (the labels are the other half); facades: left", DefaultValueFactory = _ => "left" };
        var size = new Option<int>("--size") { Description = "square training size in px (photos resized bilinearly)", DefaultValueFactory = _ => 128 };
        var ngf = new Option<int>("--ngf") { Description = "filters of the first U-Net level", DefaultValueFactory = _ => 16 };
        var levels = new Option<int>("--levels") { Description = "U-Net levels (size must be a multiple of 2^(levels-1))", DefaultValueFactory = _ => 4 };
        var epochs = new Option<int>("--epochs") { Description = "passes over the training files", DefaultValueFactory = _ => 20 };
        var batch = new Option<int>("--batch-size") { DefaultValueFactory = _ => 8 };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate", DefaultValueFactory = _ => 1e-3 };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 0 };
        var maxImages = new Option<int>("--max-images") { Description = "use only the first N files (0 = all)", DefaultValueFactory = _ => 0 };
        var device = new Option<string?>("--device") { Description = "cpu, cuda or cuda:N (default: cuda when available)" };
        var cmd = new Command("segmenter-train", "Train the U-Net segmenter used by fcn-score on real photo/label pairs (Adam, cross-entropy on palette indices)")
            { dataroot, palette, output, photoSide, size, ngf, levels, epochs, batch, lr, seed, maxImages, device };
        cmd.SetAction(r =>
        {
            var o = new SegmenterTrainingOptions
            {
                PhotoSide = ParseSide(r.GetValue(photoSide), "--photo-side"),
                ImageSize = r.GetValue(size), Ngf = r.GetValue(ngf), Levels = r.GetValue(levels), Epochs = r.GetValue(epochs),
                BatchSize = r.GetValue(batch), Lr = r.GetValue(lr), Seed = r.GetValue(seed), MaxImages = r.GetValue(maxImages),
            };
            o.Validate();
            var pal = Palette.Load(r.GetValue(palette)!);
            var dev = TorchRuntime.ResolveDevice(r.GetValue(device));
            var err = r.InvocationConfiguration.Error;
            var (photos, targets) = SegmenterTrainer.LoadPairs(r.GetValue(dataroot)!, pal, o);
            using (photos)
            using (targets)
            {
                err.WriteLine($"segmenter-train: {photos.shape[0]} pairs at {o.ImageSize} px, {o.Epochs} epochs on {dev}");
                var names = pal.Classes.Select(c => c.Name).ToArray();
                // Saved after every epoch (atomically), so a stopped run still leaves its latest network.
                using var net = SegmenterTrainer.Train(photos, targets, pal.Count, o, dev, (e, latest) =>
                {
                    SegmenterFile.Save(latest, names, r.GetValue(output)!);
                    err.WriteLine($"epoch {e.Epoch}/{e.Epochs}  loss {e.Loss:0.0000}  train pixel accuracy {e.PixelAccuracy:0.0000}  ({e.Elapsed.TotalSeconds:0} s)");
                });
            }
            r.InvocationConfiguration.Output.WriteLine($"saved segmenter to {r.GetValue(output)}");
            return 0;
        });
        return cmd;
    }

    static Command FcnScore()
    {
        var seg = Req("--segmenter", "segmenter file from `cyclegan eval segmenter-train`");
        var photos = Req("--photos", "generated photos, or a results folder of labels→photo (`--direction BtoA`: <stem>_fake_B.png)");
        var gt = Req("--gt", "input label maps matched by stem, or a results folder (<stem>_real_A.png)");
        var palette = Req("--palette", "palette JSON of the label colours");
        var photosSide = Side("--photos-side", "photos (real facades/test photos: left)");
        var gtSide = Side("--gt-side", "label maps (facades/test: right)");
        var device = new Option<string?>("--device") { Description = "cpu, cuda or cuda:N (default: cuda when available)" };
        var json = JsonOpt(); var report = ReportOpt(); var examples = ExamplesOpt();
        var cmd = new Command("fcn-score", "FCN-score of labels→photo results: segment the photos and score against the input labels. Upper bound on real photos: " +
                                           "eval fcn-score --segmenter seg.safetensors --photos facades/test --photos-side left --gt facades/test --gt-side right --palette facades/palette.pix2pix.json")
            { seg, photos, gt, palette, photosSide, gtSide, device, json, report, examples };
        cmd.SetAction(r =>
        {
            var pal = Palette.Load(r.GetValue(palette)!);
            var ps = ParseSide(r.GetValue(photosSide), "--photos-side");
            var gs = ParseSide(r.GetValue(gtSide), "--gt-side");
            var pairs = EvalImages.Match(r.GetValue(photos)!, r.GetValue(gt)!, "_fake_B", "_real_A", "photo", "label");
            var dev = TorchRuntime.ResolveDevice(r.GetValue(device));
            var (net, _) = SegmenterFile.Load(r.GetValue(seg)!);
            using (net)
            {
                net.to(dev);
                var ev = FcnScorer.Score(net, pairs, pal, ps, gs, r.GetValue(examples), Progress(r.InvocationConfiguration.Error, "fcn-score"));
                return Finish(r, ev, json, report, "FCN-score (labels→photo)", [$"segmenter: {r.GetValue(seg)}", $"photos: {r.GetValue(photos)} ({ps}), labels: {r.GetValue(gt)} ({gs})"]);
            }
        });
        return cmd;
    }

    static Command Fd()
    {
        var a = Req("--a", "first image folder (a results folder contributes its <stem>_fake_B images)");
        var b = Req("--b", "second image folder");
        var subsets = new Option<int>("--subsets") { Description = "KD: random subsets", DefaultValueFactory = _ => 100 };
        var subsetSize = new Option<int?>("--subset-size") { Description = "KD: images per subset (default: 1000, or half the smaller folder when that is less)" };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 0 };
        var json = JsonOpt(); var report = ReportOpt(); var examples = ExamplesOpt();
        var cmd = new Command("fd", "FD-ResNet18 (Fréchet distance) and KD-ResNet18 (unbiased polynomial-kernel MMD², mean ± std over subsets) between two " +
                                    "folders, on 512-d pooled ImageNet ResNet18 features (images resized bilinearly to 224×224). " +
                                    "Not comparable with Inception-based FID/KID numbers.")
            { a, b, subsets, subsetSize, seed, json, report, examples };
        cmd.SetAction(r =>
        {
            var fa = EvalImages.List(r.GetValue(a)!, "_fake_B", "--a").Values.ToList();
            var fb = EvalImages.List(r.GetValue(b)!, "_fake_B", "--b").Values.ToList();
            var err = r.InvocationConfiguration.Error;
            using var feats = new ResNet18Features();
            var xa = feats.ExtractFiles(fa, Progress(err, "features A"));
            var xb = feats.ExtractFiles(fb, Progress(err, "features B"));
            var kd = KernelDistance.Compute(xa, xb, r.GetValue(subsets), r.GetValue(subsetSize), r.GetValue(seed));
            var s = DistributionScores.From(FrechetDistance.Compute(xa, xb), kd, xa.Length, xb.Length);
            r.InvocationConfiguration.Output.WriteLine(
                $"FD-ResNet18 {s.FdResNet18.ToString("0.000", CultureInfo.InvariantCulture)}  KD-ResNet18 {s.KdResNet18.ToString("0.00000", CultureInfo.InvariantCulture)} ± {s.KdResNet18Std.ToString("0.00000", CultureInfo.InvariantCulture)}  ({s.ImagesA} vs {s.ImagesB} images)");
            if (r.GetValue(json) is { } j) EvalJson.Write(j, s);
            if (r.GetValue(report) is { } d)
            {
                int n = r.GetValue(examples);
                ExampleRow Row(string label, IEnumerable<string> files) =>
                    new(label, files.Take(n).Select(f => (Path.GetFileName(f), CycleGan.Data.ImageFile.LoadRgb(f))).ToList());
                EvalReport.WriteDistribution(d, "FD/KD-ResNet18", s, kd.Values, [Row("A", fa), Row("B", fb)], [$"A: {r.GetValue(a)}", $"B: {r.GetValue(b)}"]);
            }
            return 0;
        });
        return cmd;
    }

    static Command Paired()
    {
        var pred = Req("--pred", "generated images, or a results folder (<stem>_fake_B.png)");
        var gt = Req("--gt", "aligned ground truth matched by stem, or a results folder (<stem>_real_B.png)");
        var predSide = Side("--pred-side", "generated images");
        var gtSide = Side("--gt-side", "ground truth");
        var json = JsonOpt(); var report = ReportOpt(); var examples = ExamplesOpt();
        var cmd = new Command("paired", "L1 (0..1), PSNR (dB, peak 255) and SSIM (11×11 Gaussian, σ 1.5) of aligned pairs, averaged over images")
            { pred, gt, predSide, gtSide, json, report, examples };
        cmd.SetAction(r =>
        {
            var ps = ParseSide(r.GetValue(predSide), "--pred-side");
            var gs = ParseSide(r.GetValue(gtSide), "--gt-side");
            var pairs = EvalImages.Match(r.GetValue(pred)!, r.GetValue(gt)!, "_fake_B", "_real_B", "generated", "ground-truth");
            var s = PairedScores.Evaluate(pairs, ps, gs, Progress(r.InvocationConfiguration.Error, "paired"));
            r.InvocationConfiguration.Output.WriteLine($"L1 {F(s.L1)}  PSNR {s.Psnr.ToString("0.00", CultureInfo.InvariantCulture)} dB  SSIM {F(s.Ssim)}  ({s.Images} images)");
            if (r.GetValue(json) is { } j) EvalJson.Write(j, s);
            if (r.GetValue(report) is { } d)
            {
                var rows = pairs.Take(r.GetValue(examples)).Select(p => new ExampleRow(p.Stem,
                    [("generated", EvalImages.Load(p.PredictionPath, ps)), ("ground truth", EvalImages.Load(p.GroundTruthPath, gs))])).ToList();
                EvalReport.WritePaired(d, "Paired metrics", s, rows, [$"generated: {r.GetValue(pred)} ({ps}), ground truth: {r.GetValue(gt)} ({gs})"]);
            }
            return 0;
        });
        return cmd;
    }

    static Command Epochs()
    {
        var run = Req("--run", "run folder (<checkpoints_dir>/<name>) with <epoch>_net_*.pth from `train --save_epoch_freq N` and train_opt.txt");
        var dataroot = Req("--dataroot", "dataset the test translation reads (as `cyclegan test --dataroot`)");
        var metric = new Option<string>("--metric") { Description = "labels (needs --palette), fcn (needs --segmenter and --palette) or fd", DefaultValueFactory = _ => "labels" };
        var palette = new Option<string?>("--palette") { Description = "palette JSON of the label colours (labels, fcn)" };
        var seg = new Option<string?>("--segmenter") { Description = "segmenter file from `cyclegan eval segmenter-train` (fcn)" };
        var predVisual = new Option<string?>("--pred-visual") { Description = "test visual that is scored (default fake_B; synthetic streets photo→labels: fake_A)" };
        var gtVisual = new Option<string?>("--gt-visual") { Description = "test visual it is compared with (default: real_B for labels and fd, real_A for fcn)" };
        var output = new Option<string?>("--out") { Description = "report folder (default <run>/eval_epochs_<metric>)" };
        var phase = new Option<string>("--phase") { DefaultValueFactory = _ => "test" };
        var numTest = new Option<int>("--num_test") { Description = "how many test images per epoch", DefaultValueFactory = _ => 50 };
        var subsets = new Option<int>("--subsets") { Description = "KD: random subsets (fd)", DefaultValueFactory = _ => 100 };
        var device = new Option<string?>("--device") { Description = "cpu, cuda or cuda:N (default: cuda when available)" };
        var cmd = new Command("epochs", "Test every saved numeric epoch of a run (latest excluded), score it, and write a table (index.html, scores.json) " +
                                        "and plots/epochs.png with the best and the last epoch marked. Ranked by pixel accuracy (labels, fcn) or FD-ResNet18 (fd)")
            { run, dataroot, metric, palette, seg, predVisual, gtVisual, output, phase, numTest, subsets, device };
        cmd.SetAction(r =>
        {
            var m = r.GetValue(metric)?.Trim().ToLowerInvariant() switch
            {
                "labels" => SweepMetric.Labels,
                "fcn" or "fcn-score" => SweepMetric.Fcn,
                "fd" => SweepMetric.Fd,
                var v => throw new UserError($"--metric {v}: expected labels, fcn or fd"),
            };
            var o = new EpochSweepOptions
            {
                RunDir = r.GetValue(run)!, Dataroot = r.GetValue(dataroot)!, Metric = m,
                Out = r.GetValue(output) ?? Path.Combine(r.GetValue(run)!, "eval_epochs_" + EpochSweep.Name(m)),
                Palette = r.GetValue(palette), Segmenter = r.GetValue(seg),
                PredVisual = r.GetValue(predVisual) ?? "fake_B",
                GtVisual = r.GetValue(gtVisual) ?? (m == SweepMetric.Fcn ? "real_A" : "real_B"),
                Phase = r.GetValue(phase)!, NumTest = r.GetValue(numTest), KdSubsets = r.GetValue(subsets), Device = r.GetValue(device),
            };
            var err = r.InvocationConfiguration.Error;
            var res = EpochSweep.Run(o, err.WriteLine);
            var best = res.Epochs.First(e => e.Best);
            var last = res.Epochs.First(e => e.Last);
            r.InvocationConfiguration.Output.WriteLine(
                $"{res.Epochs.Count} epochs, {res.Score}: best epoch {best.Epoch} ({F(best.Score)}), last epoch {last.Epoch} ({F(last.Score)}); report {Path.Combine(o.Out, "index.html")}");
            return 0;
        });
        return cmd;
    }
}
