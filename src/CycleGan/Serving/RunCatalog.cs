using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CycleGan.Options;

namespace CycleGan.Serving;

/// <summary>
/// The runs under a checkpoints folder, read from what <c>cyclegan train</c> writes: <c>train_opt.txt</c>,
/// <c>loss_log.jsonl</c>, <c>train_state/state.json</c>, <c>web/images/</c> and the <c>&lt;label&gt;_net_&lt;G&gt;.pth</c>
/// checkpoints. Everything is read on each call, so a run that is training shows its newest files.
/// </summary>
public sealed partial class RunCatalog(string checkpointsDir)
{
    /// <summary>A run that wrote something this recently counts as training (a loss line comes every print_freq).</summary>
    public static readonly TimeSpan ActiveWindow = TimeSpan.FromMinutes(3);

    public static readonly string[] Generators = ["G_A", "G_B", "G"];

    public string Root { get; } = checkpointsDir;

    /// <summary>The flags of train_opt.txt that a run's summary shows.</summary>
    static readonly string[] SummaryFlags = ["model", "n_epochs", "n_epochs_decay"];

    public IReadOnlyList<RunSummary> List()
    {
        if (!Directory.Exists(Root)) return [];
        return Directory.EnumerateDirectories(Root)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(n => SafePath.Directory(Root, n) != null)
            .Select(n => Summarize(n, ReadLosses(Path.Combine(Root, n))))
            .Where(r => r.HasTrainOpt || r.Checkpoints.Count > 0)
            .OrderBy(r => r.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The folder of run <paramref name="name"/>, or a 404 when there is none (or it leads outside).</summary>
    public string RunDir(string name) =>
        !name.Contains('/') && SafePath.Directory(Root, name) is { } dir ? dir : throw ServeError.NotFound($"no run named '{name}'");

    public RunDetail Detail(string name)
    {
        var dir = RunDir(name);
        var losses = ReadLosses(dir);
        return new RunDetail(Summarize(name, losses), losses, ReadVisuals(name, dir));
    }

    /// <summary>
    /// A cheap fingerprint of the files a run page shows; it changes whenever the trainer writes one of them.
    /// </summary>
    public string Fingerprint(string name)
    {
        var dir = RunDir(name);
        var files = new[] { "loss_log.jsonl", TrainOptFile.FileName, "train_state/state.json", "web/index.html" }
            .Select(f => new FileInfo(Path.Combine(dir, f)))
            .Select(f => f.Exists ? $"{f.Length}:{f.LastWriteTimeUtc.Ticks}" : "-");
        return string.Join("|", files);
    }

    RunSummary Summarize(string name, IReadOnlyList<LossPoint> losses)
    {
        var dir = Path.Combine(Root, name);
        var file = TrainOptFile.Read(dir);
        TrainOptions opt;
        // One run's hand-edited file must not take the list down: a value that does not parse shows the defaults.
        try { opt = file.ApplyTo(new TrainOptions(), SummaryFlags); }
        catch (UserError) { opt = new TrainOptions(); }
        var lastEpoch = opt.NEpochs + opt.NEpochsDecay;
        var last = losses.Count > 0 ? losses[^1] : null;
        int epoch = last?.Epoch ?? 0;
        long totalIters = last?.TotalIters ?? 0;
        var state = ReadState(dir);
        var finished = false;
        if (state is { } s)
        {
            if (s.TotalIters >= totalIters)
            {
                totalIters = s.TotalIters;
                // The state names the epoch to run next when it was saved at an epoch's end.
                epoch = s.EpochBatches == 0 ? s.Epoch - 1 : s.Epoch;
            }
            finished = s.EpochBatches == 0 && s.Epoch > lastEpoch;
        }
        var updated = new[] { "loss_log.jsonl", "train_state/state.json", "latest_net_G_A.pth", "latest_net_G.pth", "web/index.html" }
            .Select(f => new FileInfo(Path.Combine(dir, f)))
            .Where(f => f.Exists)
            .Select(f => f.LastWriteTimeUtc)
            .DefaultIfEmpty(Directory.GetLastWriteTimeUtc(dir))
            .Max();
        var status = finished ? "finished" : DateTime.UtcNow - updated < ActiveWindow ? "training" : "stopped";
        // Without train_opt.txt (an official checkpoint folder) the model is not known, not the default one.
        return new RunSummary(name, file.Exists ? opt.Model : "unknown", epoch, lastEpoch, totalIters,
            last?.Values ?? new Dictionary<string, double>(), status, updated, Checkpoints(dir), file.Exists);
    }

    static Dictionary<string, IReadOnlyList<string>> Checkpoints(string dir)
    {
        var labels = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(dir, "*_net_*.pth").Select(Path.GetFileName).OfType<string>())
        {
            var m = CheckpointName().Match(file);
            if (!m.Success || !Generators.Contains(m.Groups[2].Value)) continue;
            (labels.TryGetValue(m.Groups[2].Value, out var l) ? l : labels[m.Groups[2].Value] = []).Add(m.Groups[1].Value);
        }
        // Generators in the order G_A, G_B, G; labels latest first, then epochs newest first, then iter_N.
        return labels.OrderBy(kv => Array.IndexOf(Generators, kv.Key)).ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value
            .OrderBy(l => l == "latest" ? 0 : int.TryParse(l, out _) ? 1 : 2)
            .ThenByDescending(l => int.TryParse(l.Replace("iter_", ""), out var n) ? n : 0)
            .ToList());
    }

    static List<LossPoint> ReadLosses(string dir)
    {
        var path = Path.Combine(dir, "loss_log.jsonl");
        var points = new List<LossPoint>();
        if (!File.Exists(path)) return points;
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (IOException) { return points; }
        foreach (var line in lines)
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                var values = new Dictionary<string, double>(StringComparer.Ordinal);
                int epoch = 0, iters = 0;
                long total = 0;
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    switch (p.Name)
                    {
                        case "epoch": epoch = p.Value.GetInt32(); break;
                        case "iters": iters = p.Value.GetInt32(); break;
                        case "total_iters": total = p.Value.GetInt64(); break;
                        case "time" or "data": break;
                        default: if (p.Value.ValueKind == JsonValueKind.Number) values[p.Name] = p.Value.GetDouble(); break;
                    }
                }
                points.Add(new LossPoint(epoch, iters, total, values));
            }
            catch (JsonException) { /* a line from another writer: the page shows the rest */ }
        }
        return points;
    }

    static (int Epoch, int EpochBatches, long TotalIters)? ReadState(string dir)
    {
        var path = Path.Combine(dir, "train_state", "state.json");
        if (!File.Exists(path)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var r = doc.RootElement;
            return (r.GetProperty("Epoch").GetInt32(), r.GetProperty("EpochBatches").GetInt32(),
                r.GetProperty("TotalIters").GetInt64());
        }
        catch (Exception e) when (e is IOException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    static List<EpochVisuals> ReadVisuals(string name, string dir)
    {
        var images = Path.Combine(dir, "web", "images");
        if (!Directory.Exists(images)) return [];
        var byEpoch = new SortedDictionary<int, SortedDictionary<string, string>>(Comparer<int>.Create((a, b) => b.CompareTo(a)));
        foreach (var file in Directory.EnumerateFiles(images, "epoch*_*.png").Select(Path.GetFileName).OfType<string>())
        {
            var m = VisualName().Match(file);
            if (!m.Success) continue;
            var epoch = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            (byEpoch.TryGetValue(epoch, out var d) ? d : byEpoch[epoch] = new(StringComparer.Ordinal))[m.Groups[2].Value] =
                $"/files/runs/{Uri.EscapeDataString(name)}/web/images/{Uri.EscapeDataString(file)}";
        }
        return byEpoch.Select(kv => new EpochVisuals(kv.Key, kv.Value)).ToList();
    }

    [GeneratedRegex(@"^(latest|\d+|iter_\d+)_net_(\w+)\.pth$")]
    private static partial Regex CheckpointName();

    [GeneratedRegex(@"^epoch(\d{3,})_(\w+)\.png$")]
    private static partial Regex VisualName();
}
