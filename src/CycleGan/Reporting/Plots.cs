using ScottPlot;

namespace CycleGan.Reporting;

/// <summary>Small ScottPlot charts saved as PNG files (atomically) for report pages.</summary>
public static class Plots
{
    /// <summary>A bar chart, one named bar per value; NaN values are drawn as missing bars.</summary>
    public static void Bars(string path, IReadOnlyList<string> labels, IReadOnlyList<double> values, string title, string yLabel,
        int width = 800, int height = 400)
    {
        var plt = new Plot();
        var ticks = new Tick[labels.Count];
        for (int i = 0; i < values.Count; i++)
        {
            if (!double.IsNaN(values[i])) plt.Add.Bar(position: i, value: values[i]);
            ticks[i] = new Tick(i, labels[i]);
        }
        plt.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plt.Axes.Bottom.TickLabelStyle.Rotation = labels.Count > 6 ? 45 : 0;
        plt.Axes.Bottom.TickLabelStyle.Alignment = labels.Count > 6 ? Alignment.MiddleLeft : Alignment.UpperCenter;
        if (labels.Count > 6) plt.Axes.Bottom.MinimumSize = 12 + 6 * labels.Max(l => l.Length);
        plt.Axes.Margins(bottom: 0);
        Save(plt, path, title, yLabel, width, height);
    }

    /// <summary>Several named lines over a shared x axis (e.g. each loss over training iterations), with a legend.</summary>
    public static void Series(string path, IReadOnlyList<double> xs, IReadOnlyDictionary<string, IReadOnlyList<double>> series,
        string title, string xLabel, string yLabel, int width = 900, int height = 400)
    {
        var plt = new Plot();
        foreach (var (name, ys) in series)
        {
            var line = plt.Add.Scatter(xs.ToArray(), ys.Select(v => double.IsFinite(v) ? v : double.NaN).ToArray());
            line.LegendText = name;
            line.MarkerSize = 0;
        }
        plt.ShowLegend();
        Save(plt, path, title, yLabel, width, height, xLabel);
    }

    /// <summary>A line of values over their index (e.g. a per-image metric in file order).</summary>
    public static void Line(string path, IReadOnlyList<double> values, string title, string xLabel, string yLabel, int width = 800,
        int height = 300)
    {
        var plt = new Plot();
        var xs = Enumerable.Range(0, values.Count).Select(i => (double)i).ToArray();
        var ys = values.Select(v => double.IsFinite(v) ? v : double.NaN).ToArray();
        plt.Add.Scatter(xs, ys);
        plt.XLabel(xLabel);
        Save(plt, path, title, yLabel, width, height);
    }

    /// <summary>A histogram of values with the given number of equal-width bins.</summary>
    public static void Histogram(string path, IReadOnlyList<double> values, int bins, string title, string xLabel, int width = 600,
        int height = 300)
    {
        var plt = new Plot();
        var finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length > 0)
        {
            double lo = finite.Min(), hi = finite.Max();
            if (hi <= lo) hi = lo + 1;
            var counts = new double[bins];
            foreach (var v in finite) counts[Math.Min(bins - 1, (int)((v - lo) / (hi - lo) * bins))]++;
            double step = (hi - lo) / bins;
            for (int i = 0; i < bins; i++)
                plt.Add.Bar(new Bar { Position = lo + (i + 0.5) * step, Value = counts[i], Size = step * 0.95 });
        }
        plt.XLabel(xLabel);
        plt.Axes.Margins(bottom: 0);
        Save(plt, path, title, "count", width, height);
    }

    /// <summary>A score over epochs, with the best and the last epoch marked and named in the legend.</summary>
    public static void Epochs(string path, IReadOnlyList<double> epochs, IReadOnlyList<double> scores, int best, int last, string title,
        string yLabel,
        int width = 800, int height = 400)
    {
        var plt = new Plot();
        var ys = scores.Select(v => double.IsFinite(v) ? v : double.NaN).ToArray();
        var line = plt.Add.Scatter(epochs.ToArray(), ys);
        line.LegendText = yLabel;
        void Mark(int epoch, string text, MarkerShape shape, Color color, float size)
        {
            int i = epochs.ToList().IndexOf(epoch);
            if (i < 0 || !double.IsFinite(ys[i])) return;
            var m = plt.Add.Marker(epochs[i], ys[i], shape, size, color);
            m.LegendText = $"{text} (epoch {epoch})";
        }
        Mark(best, "best", MarkerShape.OpenCircle, Colors.Red, 18);
        Mark(last, "last", MarkerShape.FilledSquare, Colors.Black, 9);
        plt.ShowLegend();
        // Epochs are whole numbers: label each saved epoch when few, otherwise integer ticks only.
        if (epochs.Count <= 20)
        {
            var ticks = new ScottPlot.TickGenerators.NumericManual();
            foreach (var e in epochs) ticks.AddMajor(e, e.ToString("0", System.Globalization.CultureInfo.InvariantCulture));
            plt.Axes.Bottom.TickGenerator = ticks;
        }
        else plt.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        Save(plt, path, title, yLabel, width, height, "epoch");
    }

    static void Save(Plot plt, string path, string title, string yLabel, int width, int height, string? xLabel = null)
    {
        plt.Title(title);
        if (xLabel != null) plt.XLabel(xLabel);
        plt.YLabel(yLabel);
        var bytes = plt.GetImageBytes(width, height, ImageFormat.Png);
        AtomicFile.WriteAllBytes(path, bytes);
    }
}
