using System.Globalization;
using CycleGan.Data;
using CycleGan.Models;
using CycleGan.Options;
using CycleGan.Reporting;
using CycleGan.Sharding;
using TorchSharp;
using static TorchSharp.torch;

namespace CycleGan.Inference;

/// <summary>
/// The official <c>test.py</c>: builds the model, loads <c>&lt;epoch&gt;_net_*.pth</c> (or <c>iter_&lt;load_iter&gt;</c>),
/// runs at most num_test images in order (train mode unless <c>--eval</c>, as officially), and writes
/// <c>&lt;results_dir&gt;/&lt;name&gt;/&lt;phase&gt;_&lt;epoch&gt;[_iter&lt;N&gt;]/images/&lt;stem&gt;_&lt;visual&gt;.png</c> (or
/// <c>images/&lt;visual&gt;/&lt;stem&gt;.png</c> for a model with <see cref="ModelEntry.FolderPerVisual"/>) and
/// <c>index.html</c>.
/// Items are decoded ahead and written behind the model (<see cref="InferencePipeline"/>). With a shard, only its part
/// of the first num_test items runs, with a manifest and marker in <c>_shards/</c> and the page
/// <c>index-shard-I-of-N.html</c>; item i gets the same randomness as in an unsharded run.
/// </summary>
public static class TestRunner
{
    public const string Command = "test";

    /// <summary>Every item; an unreadable one is a <see cref="UserError"/> after the others are written.</summary>
    public static string Run(TestOptions opt, Action<string>? log = null)
    {
        var result = RunBatch(opt, null, log);
        if (result.Failed.Count > 0) throw new UserError(result.Summary("tested"));
        return result.OutputDir;
    }

    /// <param name="shard">null: every item, no manifest; else that shard of the first num_test items, resumable.</param>
    public static BatchResult RunBatch(TestOptions opt, ShardSpec? shard, Action<string>? log = null)
    {
        TorchRuntime.EnsureLoaded();
        if (string.IsNullOrEmpty(opt.Dataroot)) throw new UserError("--dataroot is required");
        if (!Directory.Exists(opt.Dataroot)) throw new UserError($"--dataroot {opt.Dataroot} does not exist");
        var device = TorchRuntime.ResolveDevice(opt.DeviceSpec());
        var seed = opt.Seed >= 0 ? opt.Seed : 0;
        torch.manual_seed(seed);
        var runDir = Path.Combine(opt.CheckpointsDir, opt.Name);
        var dataset = DatasetRegistry.Create(DataOptions.For(opt, opt.Phase, seed));
        var count = Math.Min(Math.Max(opt.NumTest, 0), dataset.Count);

        var webDir = Path.Combine(opt.ResultsDir, opt.Name, $"{opt.Phase}_{opt.Epoch}");
        if (opt.LoadIter > 0) webDir += $"_iter{opt.LoadIter}";
        var imageDir = Path.Combine(webDir, "images");
        string Relative(string path) => Path.GetRelativePath(opt.Dataroot, path).Replace('\\', '/');
        var label = opt.LoadIter > 0 ? $"iter_{opt.LoadIter}" : opt.Epoch;
        using var ledger = shard is null ? null
            : ShardLedger.Open(webDir, shard, Command, count, ShardManifest.Fingerprint(dataset.Files.Select(Relative)),
                ShardSettings.Fingerprint(opt, NetworkFiles(runDir, label)));
        if (ledger is { Finished: true }) return new BatchResult(webDir, shard, 0, ledger.Done.Count, []);
        IReadOnlyList<int> pending = ledger?.Pending ?? Enumerable.Range(0, count).ToList();
        var rows = new SortedDictionary<int, (string Name, List<ReportImage> Images)>();
        foreach (var e in ledger?.Done ?? [])
            rows[e.Index] = (Path.GetFileNameWithoutExtension(e.Input),
                e.Outputs.Select(o => new ReportImage(o.File, Path.GetFileName(o.File))).ToList());
        var failed = new List<ManifestEntry>();
        int written = 0;
        if (pending.Count > 0)
        {
            using var model = ModelRegistry.Create(opt, isTrain: false, device);
            model.LoadNetworks(runDir, label);
            model.SetTrainMode(!opt.Eval);
            AtomicFile.CreateDirectory(imageDir);
            var folderPerVisual = ModelRegistry.Get(opt.Model).FolderPerVisual;
            ledger?.Begin();
            InferencePipeline.Run(pending,
                i => DataBatch.Collate([dataset.GetItem(i, DataLoader.ItemRng(seed, 0, i))]),
                (i, batch) => Test(model, batch, seed, i, log),
                (i, result) =>
                {
                    var (path, visuals) = result;
                    var name = Path.GetFileNameWithoutExtension(path);
                    var row = new List<ReportImage>();
                    var outputs = new List<ManifestOutput>();
                    foreach (var (visual, image) in visuals)
                    {
                        var file = folderPerVisual ? $"{visual}/{name}.png" : $"{name}_{visual}.png";
                        if (folderPerVisual) AtomicFile.CreateDirectory(Path.Combine(imageDir, visual));
                        var bytes = ImageFile.EncodePng(ApplyAspectRatio(image, opt.AspectRatio));
                        AtomicFile.WriteAllBytes(Path.Combine(imageDir, file), bytes);
                        row.Add(new ReportImage("images/" + file, file));
                        outputs.Add(new ManifestOutput("images/" + file, ShardManifest.Sha256(bytes)));
                    }
                    rows[i] = (name, row);
                    ledger?.Record(new ManifestEntry(i, Relative(path), outputs));
                    written++;
                },
                (i, e) =>
                {
                    var entry = new ManifestEntry(i, $"item {i}", [], e.Message);
                    ledger?.Record(entry);
                    failed.Add(entry);
                    log?.Invoke($"cannot test item {i}: {e.Message}");
                },
                opt.Sharding.FailFast);
        }
        if (ledger != null) failed = [.. ledger.Complete()];
        var page = new HtmlReport($"Experiment = {opt.Name}, Phase = {opt.Phase}, Epoch = {opt.Epoch}");
        foreach (var (name, images) in rows.Values) page.ImageRow(images, name, opt.DisplayWinsize);
        page.Save(Path.Combine(webDir, shard is null ? "index.html" : $"index-{shard.Name}.html"));
        return new BatchResult(webDir, shard, written, ledger?.Done.Count ?? 0, failed);
    }

    /// <summary>One official <c>model.set_input</c> + <c>model.test()</c>; item i's dropout noise is seeded from (seed, i).</summary>
    static (string Path, IReadOnlyDictionary<string, RgbImage> Visuals) Test(GanModel model, DataBatch batch, int seed, int i,
        Action<string>? log)
    {
        // The visuals' conversion too (colorization's lab2rgb indexes and copies tensors): no temporary is left to the GC.
        using var scope = NewDisposeScope();
        model.SetInput(batch.A.ToTensor(), batch.B?.ToTensor(), batch.APaths, batch.BPaths);
        torch.manual_seed((long)(Rng.Mix(seed, i) >> 1));
        model.Test();
        if (i % 5 == 0) log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"processing ({i:D4})-th image... {model.ImagePaths[0]}"));
        return (model.ImagePaths[0], model.CurrentVisualImages());
    }

    static IEnumerable<string> NetworkFiles(string runDir, string label) =>
        Directory.Exists(runDir) ? Directory.GetFiles(runDir, $"{label}_net_*").Order(StringComparer.Ordinal) : [];

    /// <summary>Official <c>save_image</c>: aspect_ratio &gt; 1 widens, &lt; 1 heightens, with PIL bicubic.</summary>
    static RgbImage ApplyAspectRatio(RgbImage img, double ratio)
    {
        if (ratio > 1.0) return PilResize.Bicubic(img, (int)(img.Width * ratio), img.Height);
        if (ratio < 1.0) return PilResize.Bicubic(img, img.Width, (int)(img.Height / ratio));
        return img;
    }
}
