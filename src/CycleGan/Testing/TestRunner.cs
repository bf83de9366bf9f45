using System.Globalization;
using CycleGan.Data;
using CycleGan.Models;
using CycleGan.Options;
using CycleGan.Reporting;
using CycleGan.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace CycleGan.Testing;

/// <summary>
/// The official <c>test.py</c>: builds the model, loads <c>&lt;epoch&gt;_net_*.pth</c> (or <c>iter_&lt;load_iter&gt;</c>),
/// runs at most num_test images in order (train mode unless <c>--eval</c>, as officially), and writes
/// <c>&lt;results_dir&gt;/&lt;name&gt;/&lt;phase&gt;_&lt;epoch&gt;[_iter&lt;N&gt;]/images/&lt;stem&gt;_&lt;visual&gt;.png</c> and <c>index.html</c>.
/// </summary>
public static class TestRunner
{
    public static string Run(TestOptions opt, Action<string>? log = null)
    {
        TorchRuntime.EnsureLoaded();
        if (string.IsNullOrEmpty(opt.Dataroot)) throw new UserError("--dataroot is required");
        if (!Directory.Exists(opt.Dataroot)) throw new UserError($"--dataroot {opt.Dataroot} does not exist");
        var device = TorchRuntime.ResolveDevice(opt.DeviceSpec());
        var seed = opt.Seed >= 0 ? opt.Seed : 0;
        torch.manual_seed(seed);
        var runDir = Path.Combine(opt.CheckpointsDir, opt.Name);
        var dataset = IImageDataset.Create(TrainingData.DataOptionsFor(opt, opt.Phase, seed));
        var loader = new DataLoader(dataset, 1, shuffle: false, seed, prefetchBatches: 2);
        using var model = ModelRegistry.Create(opt, isTrain: false, device);
        var label = opt.LoadIter > 0 ? $"iter_{opt.LoadIter}" : opt.Epoch;
        model.LoadNetworks(runDir, label);
        model.SetTrainMode(!opt.Eval);

        var webDir = Path.Combine(opt.ResultsDir, opt.Name, $"{opt.Phase}_{opt.Epoch}");
        if (opt.LoadIter > 0) webDir += $"_iter{opt.LoadIter}";
        var imageDir = Path.Combine(webDir, "images");
        AtomicFile.CreateDirectory(imageDir);
        var page = new HtmlReport($"Experiment = {opt.Name}, Phase = {opt.Phase}, Epoch = {opt.Epoch}");
        int i = 0;
        foreach (var batch in loader.Epoch(0))
        {
            if (i >= opt.NumTest) break;
            using (var scope = NewDisposeScope())
            {
                model.SetInput(batch.A.ToTensor(), batch.B?.ToTensor(), batch.APaths, batch.BPaths);
                torch.manual_seed((long)(Rng.Mix(seed, i) >> 1));
                model.Test();
            }
            var name = Path.GetFileNameWithoutExtension(model.ImagePaths[0]);
            if (i % 5 == 0) log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"processing ({i:D4})-th image... {model.ImagePaths[0]}"));
            var row = new List<ReportImage>();
            foreach (var (visual, image) in model.CurrentVisualImages())
            {
                var img = ApplyAspectRatio(image, opt.AspectRatio);
                var file = $"{name}_{visual}.png";
                ImageFile.SavePng(img, Path.Combine(imageDir, file));
                row.Add(new ReportImage("images/" + file, file));
            }
            page.ImageRow(row, name, opt.DisplayWinsize);
            i++;
        }
        page.Save(Path.Combine(webDir, "index.html"));
        return webDir;
    }

    /// <summary>Official <c>save_image</c>: aspect_ratio &gt; 1 widens, &lt; 1 heightens, with PIL bicubic.</summary>
    static RgbImage ApplyAspectRatio(RgbImage img, double ratio)
    {
        if (ratio > 1.0) return PilResize.Bicubic(img, (int)(img.Width * ratio), img.Height);
        if (ratio < 1.0) return PilResize.Bicubic(img, img.Width, (int)(img.Height / ratio));
        return img;
    }
}
