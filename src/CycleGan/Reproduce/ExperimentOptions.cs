using System.Text.Json.Serialization;
using CycleGan.Options;

namespace CycleGan.Reproduce;

/// <summary>
/// The settings both experiments of <c>cyclegan reproduce</c> share (<see cref="ReproduceOptions"/>, the paper's
/// tables; <see cref="AdaptationOptions"/>, the adaptation experiment): data, networks, training length, segmenter,
/// seed and device, with their checks. Sized for a CPU-hour on 2 cores.
/// </summary>
public abstract record ExperimentOptions
{
    [Option("out", "folder for index.html, scores.json and the data, checkpoints and results behind them")]
    [JsonPropertyName("out")] public string Out { get; init; } = "./reproduce";
    /// <summary>Image size; each experiment has its own rule (<see cref="ValidateSize"/>).</summary>
    [Option("size", "image size: 32, 64, 128 or 256 (adaptation: a multiple of 8, at least 32)")]
    [JsonPropertyName("size")] public int Size { get; init; } = 32;
    /// <summary>Training scenes per domain (synth) and test scenes (synth); facades uses its own splits.</summary>
    [Option("train", "training scenes per domain", Hidden = true)]
    [JsonPropertyName("train")] public int Train { get; init; } = 400;
    [Option("test", "test scenes", Hidden = true)]
    [JsonPropertyName("test")] public int Test { get; init; } = 100;
    [Option("ngf", "generator width", Hidden = true)]
    [JsonPropertyName("ngf")] public int Ngf { get; init; } = 16;
    [Option("ndf", "discriminator width", Hidden = true)]
    [JsonPropertyName("ndf")] public int Ndf { get; init; } = 16;
    [JsonPropertyName("netG")] public string NetG { get; init; } = "resnet_6blocks";
    /// <summary>Epochs at the initial rate and of linear decay; the budget usually ends training first.</summary>
    [JsonPropertyName("n_epochs")] public int NEpochs { get; init; } = 5;
    [JsonPropertyName("n_epochs_decay")] public int NEpochsDecay { get; init; } = 5;
    /// <summary>Epochs of the segmenter (the FCN-score's, or the adaptation's three), trained on real pairs.</summary>
    [Option("segmenter_epochs", "epochs of the segmenters", Hidden = true, Aliases = ["segmenter-epochs"])]
    [JsonPropertyName("segmenter_epochs")] public int SegmenterEpochs { get; init; } = 20;
    /// <summary>The (first) seed of data and training.</summary>
    [Option("seed", "random seed (the first of --seeds)", Hidden = true)]
    [JsonPropertyName("seed")] public int Seed { get; init; }
    /// <summary>
    /// Every model is trained <see cref="Seeds"/> times, with seeds Seed, Seed + 1, ... (tables: every method; adaptation:
    /// the translator and the three segmenters); the tables give mean ± standard deviation over the runs.
    /// </summary>
    [Option("seeds", "train every model this many times (seeds --seed, --seed + 1, ...) and report mean ± standard deviation")]
    [JsonPropertyName("seeds")] public int Seeds { get; init; } = 3;
    [Option("device", ComputeOptions.DeviceHelp, Hidden = true)]
    [JsonPropertyName("device")] public string Device { get; init; } = "cpu";
    /// <summary>Test scenes shown on the page.</summary>
    [JsonPropertyName("examples")] public int Examples { get; init; } = 4;

    /// <summary>Throws <see cref="UserError"/> for settings neither experiment can run with.</summary>
    public virtual void Validate()
    {
        if (string.IsNullOrWhiteSpace(Out)) throw new UserError("--out is empty; give the folder to write the results to");
        ValidateSize();
        if (Train < 1 || Test < 1) throw new UserError("--train and --test must be at least 1");
        if (Ngf < 1 || Ndf < 1) throw new UserError("--ngf and --ndf must be positive");
        if (NEpochs < 1 || NEpochsDecay < 0 || SegmenterEpochs < 1) throw new UserError("epochs must be at least 1");
        if (Seeds < 1) throw new UserError($"--seeds {Seeds} is not allowed; train every model at least once (e.g. --seeds 3)");
    }

    /// <summary>The experiment's rule for <see cref="Size"/>.</summary>
    protected abstract void ValidateSize();
}
