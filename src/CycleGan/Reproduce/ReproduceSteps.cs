using System.Diagnostics;
using System.Globalization;
using CycleGan.Evaluation;
using CycleGan.Models;
using CycleGan.Options;
using CycleGan.Training;
using TorchSharp;

namespace CycleGan.Reproduce;

/// <summary>The pieces both reproductions share: budgeted training, the segmenter, and the machine's load.</summary>
public static class ReproduceSteps
{
    /// <summary>
    /// Trains with the official loop until the options' epochs end or <paramref name="budget"/> is spent, whichever
    /// comes first (the trainer then saves <c>latest</c>, as the quickstart does).
    /// </summary>
    public static RunTraining Train(TrainOptions t, TimeSpan budget, IReproduceObserver? observer, CancellationToken cancel)
    {
        var runDir = Path.Combine(t.CheckpointsDir, t.Name);
        // A rerun starts over: an old run folder would append to its loss log.
        if (Directory.Exists(runDir)) Directory.Delete(runDir, recursive: true);
        observer?.OnTrainingBudget(t.Name, budget);
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(budget);
        ITrainingObserver[] observers = observer == null ? [new LossLog(runDir)] : [new LossLog(runDir), observer];
        var outcome = new Trainer(t, observers).Run(cancel, stop.Token);
        return new RunTraining(t.Name, t.Direction, outcome.TotalIters, Math.Round(clock.Elapsed.TotalSeconds, 1),
            budget.TotalSeconds, outcome.StoppedEarly);
    }

    /// <summary>A U-Net segmenter trained on the side-by-side labels|photo files of <paramref name="pairsDir"/> (photo on the
    /// right).</summary>
    public static Segmenter TrainSegmenter(string pairsDir, Palette palette, int size, int epochs, int seed, IReproduceObserver? observer)
    {
        TorchRuntime.EnsureLoaded();
        var o = new SegmenterTrainingOptions { ImageSize = size, Epochs = epochs, Seed = seed, PhotoSide = AbSide.Right, Levels = 4 };
        var (photos, targets) = SegmenterTrainer.LoadPairs(pairsDir, palette, o);
        using (photos)
        using (targets)
            return SegmenterTrainer.Train(photos, targets, palette.Count, o, onEpoch: (e, _) =>
                observer?.OnMessage(string.Create(CultureInfo.InvariantCulture,
                    $"segmenter ({Path.GetFileName(pairsDir.TrimEnd('/'))}) epoch {e.Epoch}/{e.Epochs}: loss {e.Loss:F3}, training pixel " +
                    $"accuracy {e.PixelAccuracy:P1}, {e.Elapsed.TotalSeconds:F0} s")));
    }

    /// <summary>
    /// The baseline training options of a reproduction: no pages, no intermediate checkpoints; then
    /// <paramref name="flags"/> (a method's own), set as a command line sets them: the model's own flags also before
    /// the model's defaults, which may depend on them (CUT's <c>--CUT_mode</c> presets).
    /// </summary>
    public static TrainOptions BaseTrainOptions(string model, string dataroot, string checkpointsDir, string name, int size,
        int ngf, int ndf,
        string netG, int nEpochs, int nEpochsDecay, int seed, string device,
        IReadOnlyList<(string Name, string Value)>? flags = null)
    {
        flags ??= [];
        var t = (TrainOptions)ModelRegistry.NewOptions(typeof(TrainOptions), model, own =>
        {
            foreach (var (flag, value) in flags)
                if (OptionInfo.OfModel(own.GetType()).FirstOrDefault(i => i.Name == flag) is { } info)
                    info.Property.SetValue(own, info.Parse(value));
        });
        t.Dataroot = dataroot;
        t.Name = name;
        t.CheckpointsDir = checkpointsDir;
        t.Compute = new() { Device = device };
        t.Ngf = ngf;
        t.Ndf = ndf;
        t.NetG = netG;
        t.LoadSize = size;
        t.CropSize = size;
        t.Seed = seed;
        t.NEpochs = nEpochs;
        t.NEpochsDecay = nEpochsDecay;
        t.PrintFreq = 20;
        t.DisplayFreq = int.MaxValue;
        t.UpdateHtmlFreq = int.MaxValue;
        t.NoHtml = true;
        t.SaveLatestFreq = int.MaxValue;
        t.SaveEpochFreq = int.MaxValue;
        foreach (var (flag, value) in flags) t.SetFlag(flag, value);
        return t;
    }

    /// <summary>
    /// The official <c>test.py</c> run of a finished training run: its networks, data and seed, the <c>latest</c>
    /// weights, the first <paramref name="numTest"/> images of <paramref name="phase"/>, batch 1, no flip.
    /// </summary>
    public static TestOptions TestOptionsFor(TrainOptions train, string resultsDir, int numTest, string phase = "test")
    {
        var t = TestOptions.For(train.Model);
        t.Dataroot = train.Dataroot;
        t.Phase = phase;
        t.Name = train.Name;
        t.CheckpointsDir = train.CheckpointsDir;
        t.ResultsDir = resultsDir;
        t.Compute = train.Compute;
        t.NetG = train.NetG;
        t.Ngf = train.Ngf;
        t.Ndf = train.Ndf;
        t.Norm = train.Norm;
        t.NoDropout = train.NoDropout;
        t.ModelFlags = train.ModelFlags;
        t.Direction = train.Direction;
        t.DatasetMode = train.DatasetMode;
        t.LoadSize = train.CropSize;
        t.CropSize = train.CropSize;
        t.Seed = train.Seed;
        t.NumTest = numTest;
        t.Epoch = "latest";
        t.ApplyTestOverrides();
        return t;
    }

    /// <summary><c>/proc/loadavg</c>'s three averages, or "n/a" where there is none.</summary>
    public static string LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return string.Join(" ", parts.Take(3));
        }
        catch (IOException) { return "n/a"; }
        catch (UnauthorizedAccessException) { return "n/a"; }
    }

    /// <summary>"1 seed", "3 seeds": a count with its noun.</summary>
    public static string Count(int n, string noun) => string.Create(CultureInfo.InvariantCulture, $"{n} {noun}{(n == 1 ? "" : "s")}");

    public static string Percent(double v) => double.IsNaN(v) ? "n/a" : (100 * v).ToString("0.0", CultureInfo.InvariantCulture);

    public static string Fraction(double v) => double.IsNaN(v) ? "n/a" : v.ToString("0.00", CultureInfo.InvariantCulture);
}
