using System.Globalization;
using CycleGan.Evaluation;
using CycleGan.Reporting;

namespace CycleGan.Reproduce;

/// <summary>
/// Tables over training seeds, as both experiments of <c>cyclegan reproduce</c> write them: a row's three scores as
/// mean ± sample standard deviation over its seeds, and under a table the orderings its intervals support
/// (<see cref="SeparatedOrderings"/>).
/// </summary>
public static class SeedTables
{
    /// <summary>One row: the mean and standard deviation of <paramref name="runs"/> (one per seed).</summary>
    public static TableRow Row(string method, string key, IReadOnlyList<SegmentationScores> runs, PaperScores? paper)
    {
        var pixel = MeanSd.Of(runs.Select(r => r.PixelAccuracy).ToList());
        var cls = MeanSd.Of(runs.Select(r => r.MeanClassAccuracy).ToList());
        var iou = MeanSd.Of(runs.Select(r => r.MeanClassIou).ToList());
        return new TableRow(method, key, runs.Count, new PaperScores(pixel.Mean, cls.Mean, iou.Mean),
            new PaperScores(pixel.Sd, cls.Sd, iou.Sd), paper);
    }

    /// <summary>A row's cells: mean ± standard deviation over the seeds (the mean alone for one seed).</summary>
    public static IReadOnlyList<string> Cells(TableRow row) =>
    [
        Pm(row.Ours.PixelAccuracy, row.OursSd.PixelAccuracy, ReproduceSteps.Fraction),
        Pm(row.Ours.ClassAccuracy, row.OursSd.ClassAccuracy, ReproduceSteps.Fraction),
        Pm(row.Ours.ClassIou, row.OursSd.ClassIou, ReproduceSteps.Fraction),
    ];

    /// <summary>"mean ± sd", or the mean alone where the standard deviation is undefined (one seed).</summary>
    public static string Pm(double mean, double sd, Func<double, string> format) =>
        double.IsNaN(sd) ? format(mean) : format(mean) + " ± " + format(sd);

    public static string Pm(MeanSd v, string fmt) => Pm(v.Mean, v.Sd, x => x.ToString(fmt, CultureInfo.InvariantCulture));

    /// <summary>The orderings of a table that its mean ± sd intervals support, per-pixel accuracy first.</summary>
    public static void Orderings(HtmlReport page, IReadOnlyList<TableRow> rows, string prefix = "")
    {
        if (rows.Count < 2) return;
        if (rows.Any(x => x.Seeds < 2))
        {
            page.Paragraph($"{prefix}orderings: one seed gives no interval, so this table establishes none.");
            return;
        }
        foreach (var (name, pick) in new (string, Func<PaperScores, double>)[] { ("per-pixel acc.", x => x.PixelAccuracy),
            ("per-class acc.", x => x.ClassAccuracy), ("class IOU", x => x.ClassIou) })
        {
            var found = SeparatedOrderings.Of(rows, pick);
            page.Paragraph($"{prefix}{name}, orderings whose mean ± sd intervals separate: " +
                           (found.Count == 0 ? "none" : string.Join("; ", found.Select(f => $"{f.Higher} > {f.Lower}"))) + ".");
        }
    }
}
