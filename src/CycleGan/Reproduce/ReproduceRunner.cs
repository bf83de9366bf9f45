using System.Diagnostics;
using System.Globalization;
using CycleGan.Data;
using CycleGan.Evaluation;
using CycleGan.Options;
using CycleGan.Reporting;
using CycleGan.Inference;
using CycleGan.Models;
using CycleGan.Training;
using TorchSharp;

namespace CycleGan.Reproduce;

/// <summary>
/// <c>cyclegan reproduce</c>: the CycleGAN paper's Tables 2–4 on a small dataset. Every method (CycleGAN, its four
/// loss ablations, CoGAN, BiGAN/ALI, SimGAN, feature loss + GAN, pix2pix; and CUT and FastCUT, its successors) trains
/// for the same wall-clock budget; a method that translates one way only trains each direction for half of it.
/// Then, on the test scenes: photo→labels is scored against the true label maps (<see cref="LabelScorer"/>),
/// labels→photo with the FCN-score (<see cref="FcnScorer"/>: one segmenter trained once on the real training pairs) and FD/KD-ResNet18 against the
/// real test photos. Every method is trained with <see cref="ReproduceOptions.Seeds"/> seeds (Seed, Seed + 1, ...) and the
/// tables give the mean and standard deviation over them; the segmenter and the KD subsets are the same for every seed.
/// Layout under the output folder:
/// <code>
/// index.html, scores.json, images/   the tables, the example rows, every number
/// data/                              the dataset (A = labels, B = photos), segmenter.safetensors
/// checkpoints/&lt;run&gt;_seed&lt;s&gt;/         latest_net_*.pth, loss_log.txt per training run
/// results/&lt;run&gt;_seed&lt;s&gt;/test_latest/ the official test.py output of each run
/// </code>
/// </summary>
public static class ReproduceRunner
{
    public static ReproduceResult Run(ReproduceOptions o, IReproduceObserver? observer = null, CancellationToken cancel = default)
    {
        o.Validate();
        TorchRuntime.EnsureLoaded();
        var total = Stopwatch.StartNew();
        var loadStart = ReproduceSteps.LoadAverage();
        var folder = RunFolder.Start(o.Out, r => [r.Results]);
        var (dataDir, checkpoints, results) = (folder.Data, folder.Checkpoints, folder.Results);

        var methods = o.SelectedMethods;
        var seeds = Enumerable.Range(o.Seed, o.Seeds).ToList();
        int stages = 3 + methods.Sum(m => (m.Directions.Count + 1) * seeds.Count), stage = 0;
        void Stage(string what) => observer?.OnStage(stage++, stages, what);

        Stage("writing the dataset");
        var data = ReproduceData.Prepare(o, dataDir);
        observer?.OnMessage(ReproduceData.Describe(data, o));
        var palette = Palette.Load(data.PalettePath);
        var stems = data.TestStems;
        string TestA(string s) => Path.Combine(data.Root, "testA", s + ".png");
        string TestB(string s) => Path.Combine(data.Root, "testB", s + ".png");

        Stage("training the FCN-score segmenter on the real training pairs");
        var segClock = Stopwatch.StartNew();
        using var segmenter = ReproduceSteps.TrainSegmenter(Path.Combine(data.Root, "train"), palette, o.Size, o.SegmenterEpochs, o.Seed,
            observer);
        SegmenterFile.Save(segmenter, palette.Classes.Select(c => c.Name).ToList(), Path.Combine(dataDir, "segmenter.safetensors"));
        var realFcn = FcnScorer.Score(segmenter, stems.Select(s => new ImagePair(s, TestB(s), TestA(s))).ToList(), palette,
            examples: 0).Scores;
        var segmenterSummary = new SegmenterSummary(o.SegmenterEpochs, Math.Round(segClock.Elapsed.TotalSeconds, 1), o.Size, realFcn);
        observer?.OnMessage($"segmenter on the real test photos (FCN-score upper bound): pixel " +
            $"accuracy {ReproduceSteps.Percent(realFcn.PixelAccuracy)} %, class IoU {ReproduceSteps.Percent(realFcn.MeanClassIou)} %");

        using var features = new ResNet18Features();
        var realFeatures = features.ExtractFiles(stems.Select(TestB).ToList());

        var scores = new List<MethodScores>();
        var outputs = new Dictionary<string, (Func<string, string> Photo, Func<string, string> Labels)>();
        foreach (var m in methods)
        {
            var budget = TimeSpan.FromMinutes(o.MinutesPerModel / m.Directions.Count);
            var runs = new List<SeedScores>();
            foreach (var seed in seeds)
            {
                var training = new List<RunTraining>();
                var imageDirs = new Dictionary<string, string>();
                foreach (var direction in m.Directions)
                {
                    var name = $"{m.RunName(direction)}_seed{seed}";
                    Stage(string.Create(CultureInfo.InvariantCulture, $"training {name} ({budget.TotalMinutes:0.##} min)"));
                    var t = TrainOptionsFor(o with { Seed = seed }, m, direction, data.Root, checkpoints, name);
                    var run = ReproduceSteps.Train(t, budget, observer, cancel);
                    training.Add(run);
                    observer?.OnMessage(string.Create(CultureInfo.InvariantCulture, $"{name}: {run.Iterations} " +
                        $"iterations in {run.Seconds:F0} s"));
                    imageDirs[direction] = Path.Combine(TestRunner.Run(ReproduceSteps.TestOptionsFor(t, results, stems.Count)), "images");
                }

                Stage($"evaluating {m.Key}, seed {seed}");
                // fake_B is always the A→B output of a run; for the CycleGAN family fake_A is the photo→labels output.
                // CUT's test writes one folder per visual (images/fake_B/<stem>.png), the others <stem>_fake_B.png.
                var perVisual = ModelRegistry.Get(m.Model).FolderPerVisual;
                string Image(string direction, string stem, string visual) => Path.Combine(imageDirs[direction],
                    perVisual ? Path.Combine(visual, stem + ".png") : $"{stem}_{visual}.png");
                Func<string, string> photo = s => Image("AtoB", s, "fake_B");
                Func<string, string> labels = m.BothDirections
                    ? s => Image("AtoB", s, "fake_A")
                    : s => Image("BtoA", s, "fake_B");
                // The page's examples are those of the first seed.
                outputs.TryAdd(m.Key, (photo, labels));
                var p2l = LabelScorer.Score(stems.Select(s => new ImagePair(s, labels(s), TestA(s))).ToList(), palette, examples: 0).Scores;
                var fcn = FcnScorer.Score(segmenter, stems.Select(s => new ImagePair(s, photo(s), TestA(s))).ToList(), palette,
                    examples: 0).Scores;
                var dist = DistributionScores.Compute(features.ExtractFiles(stems.Select(photo).ToList()), realFeatures, seed: o.Seed);
                runs.Add(new SeedScores(seed, training, p2l, fcn, dist));
                observer?.OnMessage($"{m.Key}, seed {seed}: photo→labels pixel accuracy {ReproduceSteps.Percent(p2l.PixelAccuracy)} " +
                    $"%, labels→photo FCN pixel accuracy {ReproduceSteps.Percent(fcn.PixelAccuracy)} %, " +
                    $"FD-ResNet18 {dist.FdResNet18:F1}");
            }
            scores.Add(new MethodScores(m.Key, m.PaperName, m.Model, m.Ablation, runs,
                MeanSd.Of(runs.Select(r => r.LabelsToPhotoDistribution.FdResNet18).ToList()),
                MeanSd.Of(runs.Select(r => r.LabelsToPhotoDistribution.KdResNet18).ToList())));
        }

        Stage("writing the page");
        var tables = Tables(scores);
        var report = new ReproduceReport(o.Dataset, tables, scores, segmenterSummary, PaperNumbers.Source, Environment.ProcessorCount,
            torch.get_num_threads(), loadStart, ReproduceSteps.LoadAverage(), Math.Round(total.Elapsed.TotalSeconds, 1), o);
        WritePage(folder, report, stems.Take(o.Examples).ToList(), outputs, TestA, TestB);
        report = report with { TotalSeconds = Math.Round(total.Elapsed.TotalSeconds, 1), LoadAverageEnd = ReproduceSteps.LoadAverage() };
        // Written last, so that a scores.json beside the page means the whole run finished.
        EvalJson.Write(folder.Scores, report);
        return new ReproduceResult(folder.Root, folder.Page, folder.Scores, report);
    }

    /// <summary>
    /// The same small networks for every method (netG, ngf, ndf of the options); each model keeps its official
    /// defaults otherwise (pix2pix: batch norm, L1 weight 100; CoGAN: DCGAN networks) and its row's flags.
    /// </summary>
    public static TrainOptions TrainOptionsFor(ReproduceOptions o, ReproduceMethod m, string direction, string dataroot, string checkpoints,
        string name)
    {
        var size = o.Size.ToString(CultureInfo.InvariantCulture);
        var t = ReproduceSteps.BaseTrainOptions(m.Model, dataroot, checkpoints, name, o.Size, o.Ngf, o.Ndf, o.NetG, o.NEpochs,
            o.NEpochsDecay, o.Seed, o.Device,
            [.. m.Flags.Select(f => (f.Name, f.Value.Replace("{size}", size, StringComparison.Ordinal)))]);
        t.Direction = direction;
        return t;
    }

    static ReproduceTables Tables(IReadOnlyList<MethodScores> scores)
    {
        IReadOnlyList<TableRow> Rows(IReadOnlyList<string> keys, Func<SeedScores, SegmentationScores> pick,
            IReadOnlyDictionary<string, PaperScores> paper) =>
            keys.Select(k => scores.FirstOrDefault(s => s.Key == k)).OfType<MethodScores>()
                .Select(m => SeedTables.Row(m.PaperName, m.Key, m.Seeds.Select(pick).ToList(), paper.GetValueOrDefault(m.Key))).ToList();
        return new ReproduceTables(
            Rows(PaperNumbers.BaselineTableRows, s => s.LabelsToPhotoFcn, PaperNumbers.LabelsToPhoto),
            Rows(PaperNumbers.BaselineTableRows, s => s.PhotoToLabels, PaperNumbers.PhotoToLabels),
            Rows(PaperNumbers.AblationTableRows, s => s.LabelsToPhotoFcn, PaperNumbers.LabelsToPhoto),
            Rows(PaperNumbers.AblationTableRows, s => s.PhotoToLabels, PaperNumbers.PhotoToLabels));
    }

    static IReadOnlyList<string> Cells(PaperScores? s) => s == null
        ? ["", "", ""]
        : [ReproduceSteps.Fraction(s.PixelAccuracy), ReproduceSteps.Fraction(s.ClassAccuracy), ReproduceSteps.Fraction(s.ClassIou)];

    static void WritePage(RunFolder folder, ReproduceReport r, IReadOnlyList<string> examples,
        IReadOnlyDictionary<string, (Func<string, string> Photo, Func<string, string> Labels)> outputs, Func<string, string> testA,
        Func<string, string> testB)
    {
        var o = r.Options;
        var page = new HtmlReport($"CycleGAN paper, Tables 2–4, reproduced on {r.Dataset} ({o.Size} px)");
        page.Paragraph(string.Create(CultureInfo.InvariantCulture,
            $"Every method trained for {o.MinutesPerModel:0.##} minutes of wall-clock time (one-directional methods: half for each " +
            $"direction), netG {o.NetG}, ngf {o.Ngf}, ndf {o.Ndf}, on {r.ProcessorCount} cores with " +
            $"{ReproduceSteps.Count(r.TorchThreads, "torch thread")}; load " +
            $"average {r.LoadAverageStart} at the start, {r.LoadAverageEnd} at the end; {r.TotalSeconds / 60:F1} minutes in all. " +
            $"Scores are fractions (0..1) as in the paper, over {r.Segmenter.RealTestPhotos.Images} test scenes; ours are the mean ± " +
            $"standard deviation over {ReproduceSteps.Count(o.Seeds, "training seed")} ({o.Seed} to {o.Seed + o.Seeds - 1}): " +
            $"an ordering holds only where " +
            $"the mean ± sd intervals do not overlap. Paper: {r.PaperSource} — context, not a target " +
            $"(different data, size and budget)."));
        string[] scoreHeader = ["per-pixel acc.", "per-class acc.", "class IOU"];

        page.Heading("Table 2: FCN-scores, labels → photo");
        page.Table(["method", .. scoreHeader, "FD-ResNet18", "KD-ResNet18", .. scoreHeader.Select(h => "paper " + h)],
            r.Tables.Table2.Select(row =>
            {
                var m = r.Methods.First(m => m.Key == row.Key);
                return (IReadOnlyList<string>)[row.Method, .. SeedTables.Cells(row), SeedTables.Pm(m.FdResNet18, "F1"),
                    SeedTables.Pm(m.KdResNet18, "F3"),
                    .. Cells(row.Paper)];
            }).Append([$"real photos (segmenter upper bound)", .. Cells(new PaperScores(r.Segmenter.RealTestPhotos.PixelAccuracy,
                r.Segmenter.RealTestPhotos.MeanClassAccuracy, r.Segmenter.RealTestPhotos.MeanClassIou)), "", "", "", "", ""]),
            "the segmenter (a small U-Net trained on the real training pairs) labels the generated photos; FD/KD against the real " +
            "test photos (lower is better)");
        SeedTables.Orderings(page, r.Tables.Table2);

        page.Heading("Table 3: photo → labels");
        page.Table(["method", .. scoreHeader, .. scoreHeader.Select(h => "paper " + h)],
            r.Tables.Table3.Select(row => (IReadOnlyList<string>)[row.Method, .. SeedTables.Cells(row), .. Cells(row.Paper)]),
            "predicted label maps read by nearest palette colour, against the true label maps");
        SeedTables.Orderings(page, r.Tables.Table3);

        page.Heading("Table 4: ablation");
        page.Table(["loss", .. scoreHeader.Select(h => "labels→photo " + h), .. scoreHeader.Select(h => "photo→labels " + h),
                .. scoreHeader.Select(h => "paper labels→photo " + h), .. scoreHeader.Select(h => "paper photo→labels " + h)],
            r.Tables.Table4LabelsToPhoto.Zip(r.Tables.Table4PhotoToLabels).Select(z =>
                (IReadOnlyList<string>)[z.First.Method, .. SeedTables.Cells(z.First), .. SeedTables.Cells(z.Second),
                    .. Cells(z.First.Paper), .. Cells(z.Second.Paper)]));
        SeedTables.Orderings(page, r.Tables.Table4LabelsToPhoto, "labels→photo ");
        SeedTables.Orderings(page, r.Tables.Table4PhotoToLabels, "photo→labels ");

        page.Heading("Training");
        page.Table(["run", "direction", "iterations", "seconds", "budget s", "stopped by the budget"],
            r.Methods.SelectMany(m => m.Seeds).SelectMany(s => s.Training).Select(t => (IReadOnlyList<string>)[t.Run, t.Direction,
                t.Iterations.ToString(CultureInfo.InvariantCulture), t.Seconds.ToString("F0", CultureInfo.InvariantCulture),
                t.BudgetSeconds.ToString("F0", CultureInfo.InvariantCulture), t.StoppedByBudget ? "yes" : "no"]));

        var images = folder.Images;
        Directory.CreateDirectory(images);
        var width = Math.Max(96, o.Size * 2);
        ReportImage Copy(string src, string file, string caption)
        {
            ImageFile.SavePng(ImageFile.LoadRgb(src), Path.Combine(images, file));
            return new ReportImage("images/" + file, caption);
        }
        page.Heading("Examples: labels → photo");
        page.ImageRow(examples.Select(s => Copy(testA(s), $"{s}_labels.png", s)), "input labels", width);
        page.ImageRow(examples.Select(s => Copy(testB(s), $"{s}_photo.png", s)), "real photo", width);
        foreach (var m in r.Methods)
            page.ImageRow(examples.Select(s => Copy(outputs[m.Key].Photo(s), $"{s}_{m.Key}_photo.png", s)), m.PaperName, width);
        page.Heading("Examples: photo → labels");
        page.ImageRow(examples.Select(s => new ReportImage($"images/{s}_photo.png", s)), "input photo", width);
        page.ImageRow(examples.Select(s => new ReportImage($"images/{s}_labels.png", s)), "true labels", width);
        foreach (var m in r.Methods)
            page.ImageRow(examples.Select(s => Copy(outputs[m.Key].Labels(s), $"{s}_{m.Key}_labels.png", s)), m.PaperName, width);

        page.Link("scores.json", "scores.json: every number on this page (per-class scores included) and the options of this run");
        page.Save(folder.Page);
    }
}
