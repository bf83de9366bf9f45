using CycleGan.Data;
using CycleGan.Networks;
using CycleGan.Options;
using SkiaSharp;

namespace CycleGan.Training;

/// <summary>
/// The training dataset and its background loader, after validating every file: undecodable images stop the run
/// before the first step (exit code 2) unless <c>--skip_bad_images</c>, which leaves them out with a warning; either way
/// the full list goes to <c>&lt;run&gt;/bad_images.txt</c> and the message names the first few.
/// </summary>
public sealed record TrainingData(DataLoader Loader, IReadOnlyList<BadImage> Skipped)
{
    /// <summary>Every unusable file with its reason, one per line (path, tab, reason), in the run folder.</summary>
    public const string BadImagesFile = "bad_images.txt";

    /// <summary>How many unusable files the error line names; the rest are in <see cref="BadImagesFile"/>.</summary>
    public const int NamedBadImages = 3;

    /// <param name="sampler">In a data-parallel run, this rank's share of each epoch.</param>
    public static TrainingData Create(TrainOptions o, int seed, Action<Action<ITrainingObserver>> publish,
        DistributedSampler? sampler = null)
    {
        if (string.IsNullOrEmpty(o.Dataroot)) throw new UserError("--dataroot is required");
        if (!Directory.Exists(o.Dataroot)) throw new UserError($"--dataroot {o.Dataroot} does not exist");
        var dataOptions = DataOptions.For(o, o.Phase, seed);
        var dataset = DatasetRegistry.Create(dataOptions);
        var bad = ImageFile.Validate(dataset.Files);
        if (bad.Count > 0)
        {
            var listFile = Path.Combine(o.CheckpointsDir, o.Name, BadImagesFile);
            AtomicFile.WriteAllText(listFile, string.Concat(bad.Select(b => $"{b.Path}\t{b.Reason}\n")));
            var list = string.Join("; ", bad.Take(NamedBadImages).Select(b => $"{b.Path}: {b.Reason}"))
                       + (bad.Count > NamedBadImages ? $"; and {bad.Count - NamedBadImages} more" : "") + $"; all listed in {listFile}";
            if (!o.SkipBadImages)
                throw new UserError($"{bad.Count} file(s) in the dataset are not usable images: {list} (fix or remove " +
                    $"them, or pass --skip_bad_images)");
            publish(obs => obs.OnMessage($"warning: skipping {bad.Count} unusable image file(s): {list}"));
            dataOptions = dataOptions with { Exclude = bad.Select(b => b.Path).ToHashSet() };
            dataset = DatasetRegistry.Create(dataOptions);
        }
        if (o.Preprocess == "crop") CheckCropFits(dataset.Files, o.CropSize, o.DatasetMode == "aligned");
        var loader = new DataLoader(dataset, o.BatchSize, !o.SerialBatches, seed, dataOptions.PrefetchBatches) { Sampler = sampler };
        return new TrainingData(loader, bad);
    }

    /// <summary>With <c>--preprocess crop</c> nothing is resized, so an image smaller than the crop cannot be used.</summary>
    static void CheckCropFits(IEnumerable<string> files, int crop, bool sideBySide)
    {
        foreach (var f in files)
        {
            using var codec = SKCodec.Create(f);
            if (codec == null) continue;
            var w = sideBySide ? codec.Info.Width / 2 : codec.Info.Width;
            if (w < crop || codec.Info.Height < crop)
                throw new UserError($"{f} is {w}x{codec.Info.Height}, smaller than --crop_size {crop}, and --preprocess crop does not " +
                    $"resize (use --preprocess resize_and_crop or a smaller --crop_size)");
        }
    }
}

/// <summary>Option combinations the official code would fail on (or silently misuse), caught before anything runs.</summary>
public static class TrainingValidation
{
    public static void Check(TrainOptions o)
    {
        o.Flags<ModelOptions>().BeforeTraining(o);
        if (!NetworkRegistry.GeneratorNames.Contains(o.NetG))
            throw new UserError($"Generator model name [{o.NetG}] is not recognized " +
                $"(use {string.Join(", ", NetworkRegistry.GeneratorNames)})");
        var multiple = NetworkRegistry.SizeMultiple(o.NetG);
        if (o.Preprocess != "none" && o.Preprocess != "scale_width" && o.CropSize % multiple != 0)
            throw new UserError($"--netG {o.NetG} needs image sizes that are multiples of {multiple}, but --crop_size is {o.CropSize}");
        if (o.Preprocess.Contains("crop") && o.Preprocess != "crop" && o.CropSize > o.LoadSize && o.Preprocess == "resize_and_crop")
            throw new UserError($"--crop_size {o.CropSize} is larger than --load_size {o.LoadSize}");
        if (o.NEpochs < 0 || o.NEpochsDecay < 0) throw new UserError("--n_epochs and --n_epochs_decay must not be negative");
        if (o.EpochCount < 1) throw new UserError("--epoch_count must be at least 1");
        foreach (var (name, v) in new[] { ("print_freq", o.PrintFreq), ("display_freq", o.DisplayFreq),
            ("update_html_freq", o.UpdateHtmlFreq), ("save_latest_freq", o.SaveLatestFreq), ("save_epoch_freq", o.SaveEpochFreq) })
            if (v < 1) throw new UserError($"--{name} must be at least 1");
        if (o.Lr <= 0) throw new UserError("--lr must be positive");
    }
}
