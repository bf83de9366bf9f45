using System.Globalization;
using CycleGan.Data;
using CycleGan.Reporting;

namespace CycleGan.Evaluation;

/// <summary>
/// Writes the report folder of an evaluation: <c>index.html</c> (tables, example rows, plots),
/// <c>scores.json</c> beside it, and <c>images/</c> and <c>plots/</c> with the PNGs the page shows.
/// </summary>
public static class EvalReport
{
    static string F(double v, string fmt = "0.0000") =>
        double.IsNaN(v) ? "–" : double.IsPositiveInfinity(v) ? "∞" : v.ToString(fmt, CultureInfo.InvariantCulture);

    public static void WriteLabels(string dir, string title, LabelEvaluation ev, IReadOnlyList<string> notes)
    {
        var s = ev.Scores;
        var page = new HtmlReport(title);
        foreach (var n in notes) page.Paragraph(n);
        page.Table(["score", "value"],
            [["pixel accuracy", F(s.PixelAccuracy)], ["mean class accuracy", F(s.MeanClassAccuracy)], ["mean class IoU", F(s.MeanClassIou)],
                ["images", s.Images.ToString(CultureInfo.InvariantCulture)]],
            "Scores (one confusion matrix over all images)");
        page.Table(["class", "accuracy", "IoU", "ground-truth pixels"],
            s.PerClass.Select(c => (IReadOnlyList<string>)[c.Name, F(c.Accuracy), F(c.Iou),
                c.Pixels.ToString(CultureInfo.InvariantCulture)]), "Per class");
        var names = s.PerClass.Select(c => c.Name).ToArray();
        Plots.Bars(Path.Combine(dir, "plots", "per_class_iou.png"), names, s.PerClass.Select(c => c.Iou).ToArray(), "IoU per class", "IoU");
        Plots.Bars(Path.Combine(dir, "plots", "per_class_accuracy.png"), names, s.PerClass.Select(c => c.Accuracy).ToArray(),
            "Accuracy per class", "accuracy");
        Plots.Histogram(Path.Combine(dir, "plots", "pixel_accuracy_hist.png"), ev.PerImage.Select(p => p.PixelAccuracy).ToArray(), 20,
            "Pixel accuracy per image", "pixel accuracy");
        page.Heading("Plots")
            .Plot("plots/per_class_iou.png", "IoU per class (missing bar: empty union)")
            .Plot("plots/per_class_accuracy.png", "Accuracy per class (missing bar: no ground-truth pixels)")
            .Plot("plots/pixel_accuracy_hist.png", "Pixel accuracy per image");
        var matrixHeader = new List<string> { "gt \\ pred" };
        matrixHeader.AddRange(names);
        page.Table(matrixHeader, Enumerable.Range(0, ev.Matrix.Classes).Select(i =>
            (IReadOnlyList<string>)[names[i],
                .. Enumerable.Range(0, ev.Matrix.Classes).Select(j => ev.Matrix[i, j].ToString(CultureInfo.InvariantCulture))]),
            "Confusion matrix (pixels; rows ground truth, columns prediction)");
        AddExamples(page, dir, ev.Examples, ev.PerImage.ToDictionary(p => p.Stem, p => "pixel accuracy " + F(p.PixelAccuracy)));
        Finish(page, dir, s);
    }

    public static void WritePaired(string dir, string title, PairedScores s, IReadOnlyList<ExampleRow> examples,
        IReadOnlyList<string> notes)
    {
        var page = new HtmlReport(title);
        foreach (var n in notes) page.Paragraph(n);
        page.Table(["metric", "mean"],
            [["L1 (0..1)", F(s.L1)], ["PSNR (dB)", F(s.Psnr, "0.00")], ["SSIM", F(s.Ssim)],
                ["images", s.Images.ToString(CultureInfo.InvariantCulture)]], "Means over images");
        Plots.Line(Path.Combine(dir, "plots", "psnr.png"), s.PerImage.Select(p => p.Psnr).ToArray(), "PSNR per image", "image (file order)",
            "dB");
        Plots.Line(Path.Combine(dir, "plots", "ssim.png"), s.PerImage.Select(p => p.Ssim).ToArray(), "SSIM per image", "image (file order)",
            "SSIM");
        page.Heading("Plots").Plot("plots/psnr.png", "PSNR per image").Plot("plots/ssim.png", "SSIM per image");
        AddExamples(page, dir, examples, s.PerImage.ToDictionary(p => p.Stem, p => $"PSNR {F(p.Psnr, "0.00")} dB, SSIM {F(p.Ssim)}"));
        page.Table(["image", "L1", "PSNR (dB)", "SSIM"],
            s.PerImage.Select(p => (IReadOnlyList<string>)[p.Stem, F(p.L1), F(p.Psnr, "0.00"), F(p.Ssim)]), "Per image");
        Finish(page, dir, s);
    }

    public static void WriteDistribution(string dir, string title, DistributionScores s, IReadOnlyList<double> kdSubsetValues,
        IReadOnlyList<ExampleRow> examples, IReadOnlyList<string> notes)
    {
        var page = new HtmlReport(title);
        foreach (var n in notes) page.Paragraph(n);
        page.Paragraph(s.Note + ".");
        page.Table(["metric", "value"],
        [
            ["FD-ResNet18", F(s.FdResNet18, "0.000")],
            ["KD-ResNet18 (mean ± std)", F(s.KdResNet18, "0.00000") + " ± " + F(s.KdResNet18Std, "0.00000")],
            ["KD subsets × size", $"{s.KdSubsets} × {s.KdSubsetSize}"],
            ["images A / B", $"{s.ImagesA} / {s.ImagesB}"],
        ], "Distances");
        Plots.Histogram(Path.Combine(dir, "plots", "kd_subsets.png"), kdSubsetValues, 20, "KD-ResNet18 per random subset",
            "unbiased MMD²");
        page.Heading("Plots").Plot("plots/kd_subsets.png", $"KD-ResNet18 over {s.KdSubsets} subsets of {s.KdSubsetSize} images " +
            $"(its spread is the ± above)");
        AddExamples(page, dir, examples, new Dictionary<string, string>());
        Finish(page, dir, s);
    }

    public static void WriteTemporal(string dir, string title, TemporalScores s, IReadOnlyList<string> notes)
    {
        var page = new HtmlReport(title);
        foreach (var n in notes) page.Paragraph(n);
        page.Table(["score", "value"],
            [["E_warp of the output", F(s.OutputEwarp, "0.000000")], ["E_warp of the input", F(s.InputEwarp, "0.000000")],
                ["ratio output / input", F(s.Ratio, "0.000")], ["frames", s.Frames.ToString(CultureInfo.InvariantCulture)],
                ["flow", s.FlowSource]], "Warping error (Lai et al. 2018; RGB in [0, 1], mean over frame pairs)");
        var xs = s.PerPair.Select(p => (double)p.Frame).ToArray();
        Plots.Series(Path.Combine(dir, "plots", "warping_error.png"), xs, new Dictionary<string, IReadOnlyList<double>>
        {
            ["output"] = s.PerPair.Select(p => p.OutputError).ToArray(),
            ["input"] = s.PerPair.Select(p => p.InputError).ToArray(),
        }, "Warping error per frame pair", "frame t (pair t, t+1)", "E_pair");
        page.Heading("Plots").Plot("plots/warping_error.png", "Warping error of each frame pair over time");
        page.Table(["pair", "output", "input", "ratio", "pixels compared"],
            s.PerPair.Select(p => (IReadOnlyList<string>)[$"{p.Frame}–{p.Frame + 1}", F(p.OutputError, "0.000000"),
                F(p.InputError, "0.000000"), F(p.Ratio, "0.000"), F(p.Valid, "0.000")]), "Per frame pair");
        Finish(page, dir, s);
    }

    static void AddExamples(HtmlReport page, string dir, IReadOnlyList<ExampleRow> examples, IReadOnlyDictionary<string, string> labels)
    {
        if (examples.Count == 0) return;
        page.Heading("Examples");
        int n = 0;
        foreach (var row in examples)
        {
            var imgs = new List<ReportImage>();
            for (int k = 0; k < row.Images.Count; k++)
            {
                var rel = $"images/{n:D3}_{k}.png";
                ImageFile.SavePng(row.Images[k].Image, Path.Combine(dir, rel));
                imgs.Add(new ReportImage(rel, row.Images[k].Caption));
            }
            page.ImageRow(imgs, labels.TryGetValue(row.Stem, out var l) ? row.Stem + ": " + l : row.Stem);
            n++;
        }
    }

    static void Finish<T>(HtmlReport page, string dir, T scores)
    {
        EvalJson.Write(Path.Combine(dir, "scores.json"), scores);
        page.Link("scores.json", "scores.json (machine-readable)");
        page.Save(Path.Combine(dir, "index.html"));
    }
}
