using System.Globalization;
using CycleGan.Data;
using CycleGan.Reporting;

namespace CycleGan.Training;

/// <summary>
/// The official training page <c>&lt;checkpoints&gt;/&lt;name&gt;/web/index.html</c>: the visuals saved at
/// update_html_freq (<c>images/epoch%03d_&lt;visual&gt;.png</c>, newest epoch first) and a plot of the losses.
/// </summary>
public sealed class TrainingPage(string runDir, LossLog log, int winSize) : ITrainingObserver
{
    readonly string _web = Path.Combine(runDir, "web");
    readonly SortedDictionary<int, List<string>> _epochs = new(Comparer<int>.Create((a, b) => b.CompareTo(a)));

    public void OnStart(TrainingStart start)
    {
        var images = Path.Combine(_web, "images");
        if (!Directory.Exists(images)) return;
        foreach (var f in Directory.GetFiles(images, "epoch*_*.png"))
        {
            var name = Path.GetFileNameWithoutExtension(f);
            if (int.TryParse(name.AsSpan(5, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var e))
                (_epochs.TryGetValue(e, out var l) ? l : _epochs[e] = []).Add(name[9..]);
        }
    }

    public void OnVisuals(VisualsReport r)
    {
        if (!r.SaveResult) return;
        var names = new List<string>();
        foreach (var (name, img) in r.Images)
        {
            ImageFile.SavePng(img, Path.Combine(_web, "images", $"epoch{r.Epoch:D3}_{name}.png"));
            names.Add(name);
        }
        _epochs[r.Epoch] = names;
        Write();
    }

    public void OnEpochEnd(EpochEnd end) => Write();

    void Write()
    {
        AtomicFile.CreateDirectory(_web);
        var page = new HtmlReport($"Experiment name = {Path.GetFileName(Path.GetFullPath(runDir))}");
        if (log.History.Count > 1)
        {
            var xs = log.History.Select(h => (double)h.TotalIters).ToList();
            var series = log.History[^1].Losses.Keys.ToDictionary(k => k, k => (IReadOnlyList<double>)log.History.Select(h =>
                h.Losses.TryGetValue(k, out var v) ? v : double.NaN).ToList());
            Plots.Series(Path.Combine(_web, "loss.png"), xs, series, "training losses", "iterations", "loss");
            page.Plot("loss.png", "losses over iterations (loss_log.jsonl)");
        }
        foreach (var (epoch, names) in _epochs)
            page.ImageRow(names.Select(n => new ReportImage($"images/epoch{epoch:D3}_{n}.png", n)), $"epoch [{epoch}]", winSize);
        page.Save(Path.Combine(_web, "index.html"));
    }
}
