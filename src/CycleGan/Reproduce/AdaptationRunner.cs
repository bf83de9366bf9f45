using System.Diagnostics;
using System.Globalization;
using CycleGan.Data;
using CycleGan.Data.Synth;
using CycleGan.Evaluation;
using CycleGan.Models;
using CycleGan.Reporting;
using CycleGan.Inference;
using TorchSharp;

namespace CycleGan.Reproduce;

/// <summary>
/// <c>cyclegan reproduce --experiment adaptation</c>: domain adaptation by translation (the CycleGAN paper's
/// motivation, made a table by CyCADA, Hoffman et al. 2018) on the synthetic streets. Source = style 1 (day) photos
/// with labels, target = style 2 (night with fog) photos. Three segmenters, all tested on style-2 test photos:
/// the oracle (trained on labelled style-2 photos), source only (style-1 photos), and translated (style-1 photos
/// translated to style 2 by a CycleGAN trained on unpaired style-1 / style-2 photos, with the style-1 labels).
/// With <see cref="ExperimentOptions.Seeds"/> seeds, the CycleGAN and the three segmenters are trained once per seed
/// on the same data, and the table gives mean ± standard deviation. Layout under the output folder:
/// <code>
/// index.html, scores.json, images/
/// data/style1, data/style2     the two synthetic datasets (same seed: the same scenes and label maps)
/// data/translation             trainA = style-1 photos of the labelled scenes, trainB = style-2 photos of other scenes
/// data/translated_seed{s}/train  labels | translated photo, the adapted segmenter's training pairs of seed s
/// checkpoints/, results/       style1_to_style2_seed{s}: the CycleGAN of seed s and its translations
/// </code>
/// </summary>
public static class AdaptationRunner
{
    const string Name = "style1_to_style2";

    /// <summary>The three segmenters, in the table's order: key and what each is trained on.</summary>
    static readonly (string Key, string TrainedOn)[] Segmenters =
    [
        ("oracle", "style 2 (oracle: labelled target photos)"),
        ("source_only", "style 1 only (source photos)"),
        ("translated", "style 1 translated to style 2 by CycleGAN"),
    ];

    public static AdaptationResult Run(AdaptationOptions o, IReproduceObserver? observer = null, CancellationToken cancel = default)
    {
        o.Validate();
        TorchRuntime.EnsureLoaded();
        var total = Stopwatch.StartNew();
        var loadStart = ReproduceSteps.LoadAverage();
        var folder = RunFolder.Start(o.Out, r => [r.Results, Path.Combine(r.Data, "translation"),
            .. Directory.Exists(r.Data) ? Directory.GetDirectories(r.Data, "translated*") : []]);
        var (data, results) = (folder.Data, folder.Results);
        var seeds = Enumerable.Range(o.Seed, o.Seeds).ToList();
        int stages = 2 + seeds.Count * (2 + Segmenters.Length), stage = 0;
        void Stage(string what) => observer?.OnStage(stage++, stages, what);

        // The data are the same for every seed (seed --seed): the spread over seeds is that of training alone.
        Stage("writing the style-1 and style-2 datasets");
        var style1 = SynthDataset.Write(new SynthOptions(Path.Combine(data, "style1"), Size: o.Size, Train: o.Train, Test: o.Test,
            Seed: o.Seed, Style: 1, Force: true)).Root;
        var style2 = SynthDataset.Write(new SynthOptions(Path.Combine(data, "style2"), Size: o.Size, Train: o.Train, Test: o.Test,
            Seed: o.Seed, Style: 2, Force: true)).Root;
        var palette = Palette.Load(Path.Combine(style1, "palette.json"));
        var translation = Path.Combine(data, "translation");
        Directory.CreateDirectory(Path.Combine(translation, "trainA"));
        Directory.CreateDirectory(Path.Combine(translation, "trainB"));
        var labelled = ReproduceData.Stems(Path.Combine(style1, "train"));
        foreach (var s in labelled)
            ImageFile.SavePng(EvalImages.Load(Path.Combine(style1, "train", s + ".png"), AbSide.Right),
                Path.Combine(translation, "trainA", s + ".png"));
        // Target photos of other scenes than the labelled ones: the translator never sees a pair.
        foreach (var f in Directory.GetFiles(Path.Combine(style2, "trainB"), "*.png"))
            File.Copy(f, Path.Combine(translation, "trainB", Path.GetFileName(f)), overwrite: true);
        IReadOnlyList<ImagePair> TestPairs(string dataset) =>
            ReproduceData.Stems(Path.Combine(dataset, "testA")).Select(s => new ImagePair(s, Path.Combine(dataset, "testB", s + ".png"),
                Path.Combine(dataset, "testA", s + ".png"))).ToList();

        var checkpoints = folder.Checkpoints;
        var perSeed = new List<AdaptationSeed>();
        // The page's examples are those of the first seed.
        var shown = new List<(string Key, Segmenter Net)>();
        string? shownTranslations = null;
        try
        {
            foreach (var seed in seeds)
            {
                var name = $"{Name}_seed{seed}";
                Stage(string.Create(CultureInfo.InvariantCulture,
                    $"training the style-1 → style-2 CycleGAN {name} ({o.Minutes:0.##} min)"));
                var t = ReproduceSteps.BaseTrainOptions("cycle_gan", translation, checkpoints, name, o.Size, o.Ngf, o.Ndf, o.NetG,
                    o.NEpochs, o.NEpochsDecay, seed, o.Device);
                t.Flags<CycleGanOptions>().LambdaIdentity = o.LambdaIdentity;
                var run = ReproduceSteps.Train(t, TimeSpan.FromMinutes(o.Minutes), observer, cancel);
                observer?.OnMessage(string.Create(CultureInfo.InvariantCulture,
                    $"{name}: {run.Iterations} iterations in {run.Seconds:F0} s"));

                Stage($"translating the labelled style-1 photos to style 2 ({name})");
                // test.py on the translator's own training photos (phase train): fake_B is each labelled photo in style 2.
                var translatedImages = Path.Combine(TestRunner.Run(ReproduceSteps.TestOptionsFor(t, results, labelled.Count, "train")),
                    "images");
                shownTranslations ??= translatedImages;
                var translatedPairs = Path.Combine(data, $"translated_seed{seed}", "train");
                Directory.CreateDirectory(translatedPairs);
                foreach (var s in labelled)
                    ImageFile.SavePng(SynthDataset.SideBySide(EvalImages.Load(Path.Combine(style1, "train", s + ".png"), AbSide.Left),
                        ImageFile.LoadRgb(Path.Combine(translatedImages, s + "_fake_B.png"))), Path.Combine(translatedPairs, s + ".png"));

                var rows = new List<AdaptationRow>();
                var pairsOf = new Dictionary<string, string>
                {
                    ["oracle"] = Path.Combine(style2, "train"),
                    ["source_only"] = Path.Combine(style1, "train"),
                    ["translated"] = translatedPairs,
                };
                foreach (var (key, trainedOn) in Segmenters)
                {
                    Stage($"training and testing the segmenter on {trainedOn}, seed {seed}");
                    var clock = Stopwatch.StartNew();
                    var net = ReproduceSteps.TrainSegmenter(pairsOf[key], palette, o.Size, o.SegmenterEpochs, seed, observer);
                    var seconds = Math.Round(clock.Elapsed.TotalSeconds, 1);
                    var on2 = FcnScorer.Score(net, TestPairs(style2), palette, examples: 0).Scores;
                    var on1 = FcnScorer.Score(net, TestPairs(style1), palette, examples: 0).Scores;
                    rows.Add(new AdaptationRow(key, trainedOn, on2, on1, seconds));
                    if (seed == seeds[0]) shown.Add((key, net));
                    else net.Dispose();
                    observer?.OnMessage($"{key}, seed {seed}: style-2 test pixel accuracy {ReproduceSteps.Percent(on2.PixelAccuracy)} " +
                        $"%, class accuracy {ReproduceSteps.Percent(on2.MeanClassAccuracy)} %, class " +
                        $"IoU {ReproduceSteps.Percent(on2.MeanClassIou)} %");
                }
                perSeed.Add(new AdaptationSeed(seed, run, rows));
            }

            Stage("writing the page");
            IReadOnlyList<TableRow> Table(Func<AdaptationRow, SegmentationScores> pick) => Segmenters.Select(x => SeedTables.Row(
                x.TrainedOn, x.Key, perSeed.Select(p => pick(p.Rows.Single(r => r.Key == x.Key))).ToList(), paper: null)).ToList();
            var report = new AdaptationReport(new AdaptationTables(Table(r => r.Style2Test), Table(r => r.Style1Test)), perSeed,
                Environment.ProcessorCount, torch.get_num_threads(), loadStart, ReproduceSteps.LoadAverage(),
                Math.Round(total.Elapsed.TotalSeconds, 1), o);
            WritePage(folder, report, labelled.Take(o.Examples).ToList(), ReproduceData.Stems(Path.Combine(style2, "testA"))
                .Take(o.Examples).ToList(), style1, style2, shownTranslations!, shown, palette);
            report = report with
            {
                TotalSeconds = Math.Round(total.Elapsed.TotalSeconds, 1), LoadAverageEnd = ReproduceSteps.LoadAverage(),
            };
            // Written last, so that a scores.json beside the page means the whole run finished.
            EvalJson.Write(folder.Scores, report);
            return new AdaptationResult(folder.Root, folder.Page, folder.Scores, report);
        }
        finally
        {
            foreach (var (_, net) in shown) net.Dispose();
        }
    }

    static void WritePage(RunFolder folder, AdaptationReport r, IReadOnlyList<string> trainExamples,
        IReadOnlyList<string> testExamples, string style1, string style2, string translatedImages,
        IReadOnlyList<(string Key, Segmenter Net)> segmenters, Palette palette)
    {
        var o = r.Options;
        var page = new HtmlReport("Domain adaptation by translation: synthetic streets, day → night with fog");
        page.Paragraph(string.Create(CultureInfo.InvariantCulture,
            $"Segmenters (a small U-Net, {o.SegmenterEpochs} epochs, {o.Size} px) trained on {o.Train} labelled scenes, tested " +
            $"on {o.Test} style-2 (night/fog) scenes. The translator is a CycleGAN (netG {o.NetG}, ngf {o.Ngf}) trained " +
            $"for {o.Minutes:0.##} minutes (at most) on unpaired style-1 and style-2 photos. The translator and the three " +
            $"segmenters are trained {ReproduceSteps.Count(o.Seeds, "time")}, with seeds {o.Seed} to {o.Seed + o.Seeds - 1}, " +
            $"on the same data; " +
            $"scores are the mean ± standard deviation over the seeds, and an ordering holds only where the intervals " +
            $"do not overlap. " +
            $"{r.ProcessorCount} cores, {ReproduceSteps.Count(r.TorchThreads, "torch thread")}, load average {r.LoadAverageStart} at the " +
            $"start, {r.LoadAverageEnd} at the end; {r.TotalSeconds / 60:F1} minutes in all. Scores are fractions (0..1)."));
        page.Table(["segmenter trained on", "per-pixel acc.", "per-class acc.", "class IOU", "per-pixel acc. on style 1",
            "class IOU on style 1"],
            r.Tables.Style2Test.Zip(r.Tables.Style1Test).Select(z => (IReadOnlyList<string>)[z.First.Method, .. SeedTables.Cells(z.First),
                SeedTables.Pm(z.Second.Ours.PixelAccuracy, z.Second.OursSd.PixelAccuracy, ReproduceSteps.Fraction),
                SeedTables.Pm(z.Second.Ours.ClassIou, z.Second.OursSd.ClassIou, ReproduceSteps.Fraction)]),
            "tested on style-2 photos (the last two columns: the same segmenter on style-1 test photos)");
        SeedTables.Orderings(page, r.Tables.Style2Test, "style-2 test ");

        page.Heading("Training of the translator");
        page.Table(["run", "seed", "iterations", "seconds", "budget s", "stopped by the budget"],
            r.Seeds.Select(x => (IReadOnlyList<string>)[x.TranslationTraining.Run, x.Seed.ToString(CultureInfo.InvariantCulture),
                x.TranslationTraining.Iterations.ToString(CultureInfo.InvariantCulture),
                x.TranslationTraining.Seconds.ToString("F0", CultureInfo.InvariantCulture),
                x.TranslationTraining.BudgetSeconds.ToString("F0", CultureInfo.InvariantCulture),
                x.TranslationTraining.StoppedByBudget ? "yes" : "no"]));

        var images = folder.Images;
        Directory.CreateDirectory(images);
        var width = Math.Max(96, o.Size * 2);
        ReportImage Save(RgbImage img, string file, string caption)
        {
            ImageFile.SavePng(img, Path.Combine(images, file));
            return new ReportImage("images/" + file, caption);
        }
        page.Heading($"Translation examples (training scenes, seed {o.Seed})");
        page.ImageRow(trainExamples.Select(s => Save(EvalImages.Load(Path.Combine(style1, "train", s + ".png"), AbSide.Right),
            $"{s}_style1.png", s)), "style 1 (input)", width);
        page.ImageRow(trainExamples.Select(s => Save(ImageFile.LoadRgb(Path.Combine(translatedImages, s + "_fake_B.png")),
            $"{s}_translated.png", s)), "translated to style 2", width);
        page.ImageRow(trainExamples.Select(s => Save(EvalImages.Load(Path.Combine(style2, "train", s + ".png"), AbSide.Right),
            $"{s}_style2.png", s)), "the same scene rendered in style 2 (never seen by the translator)", width);

        page.Heading($"Segmentation examples (style-2 test scenes, seed {o.Seed})");
        var photos = testExamples.ToDictionary(s => s, s => ImageFile.LoadRgb(Path.Combine(style2, "testB", s + ".png")));
        page.ImageRow(testExamples.Select(s => Save(photos[s], $"{s}_test_photo.png", s)), "style-2 photo", width);
        page.ImageRow(testExamples.Select(s => Save(ImageFile.LoadRgb(Path.Combine(style2, "testA", s + ".png")), $"{s}_test_labels.png",
            s)), "true labels", width);
        foreach (var (key, net) in segmenters)
            page.ImageRow(testExamples.Select(s => Save(palette.Colorize(net.Segment(photos[s]), photos[s].Width, photos[s].Height),
                $"{s}_{key}.png", s)),
                r.Tables.Style2Test.First(x => x.Key == key).Method, width);
        page.Link("scores.json", "scores.json: every number on this page (per-class scores included) and the options of this run");
        page.Save(folder.Page);
    }
}
