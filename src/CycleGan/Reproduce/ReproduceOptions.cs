using System.Text.Json.Serialization;

namespace CycleGan.Reproduce;

/// <summary>
/// What <c>cyclegan reproduce</c> runs: every method of the CycleGAN paper's Tables 2–4 trained under the same
/// wall-clock budget on one dataset, then both directions evaluated. The defaults fit 60 minutes on 2 CPU cores.
/// </summary>
public sealed record ReproduceOptions
{
    /// <summary><c>synth</c> (generated) or <c>facades</c> (read from <see cref="FacadesRoot"/>).</summary>
    [JsonPropertyName("dataset")] public string Dataset { get; init; } = "synth";
    [JsonPropertyName("out")] public string Out { get; init; } = "./reproduce";
    /// <summary>Training budget of one method (one table row); a one-directional method spends half on each direction.</summary>
    [JsonPropertyName("minutes_per_model")] public double MinutesPerModel { get; init; } = 4;
    /// <summary>Image size (a power of two from 32 to 256: CoGAN's and the U-Net's size rules).</summary>
    [JsonPropertyName("size")] public int Size { get; init; } = 32;
    /// <summary>Methods by key (<see cref="ReproduceMethod.All"/>); empty = all.</summary>
    [JsonPropertyName("methods")] public IReadOnlyList<string> Methods { get; init; } = [];
    /// <summary>Training scenes per domain (synth) and test scenes (synth); facades uses its own splits.</summary>
    [JsonPropertyName("train")] public int Train { get; init; } = 400;
    [JsonPropertyName("test")] public int Test { get; init; } = 100;
    [JsonPropertyName("ngf")] public int Ngf { get; init; } = 16;
    [JsonPropertyName("ndf")] public int Ndf { get; init; } = 16;
    [JsonPropertyName("netG")] public string NetG { get; init; } = "resnet_6blocks";
    /// <summary>Epochs at the initial rate and of linear decay; the budget usually ends training first.</summary>
    [JsonPropertyName("n_epochs")] public int NEpochs { get; init; } = 5;
    [JsonPropertyName("n_epochs_decay")] public int NEpochsDecay { get; init; } = 5;
    /// <summary>Epochs of the FCN-score segmenter, trained once on the real training pairs.</summary>
    [JsonPropertyName("segmenter_epochs")] public int SegmenterEpochs { get; init; } = 20;
    /// <summary>The first seed; every method is trained <see cref="Seeds"/> times, with seeds Seed, Seed + 1, ...</summary>
    [JsonPropertyName("seed")] public int Seed { get; init; }
    [JsonPropertyName("seeds")] public int Seeds { get; init; } = 3;
    [JsonPropertyName("device")] public string Device { get; init; } = "cpu";
    /// <summary>Test scenes shown per method on the page.</summary>
    [JsonPropertyName("examples")] public int Examples { get; init; } = 4;
    /// <summary>The facades dataset (side-by-side photo|labels files and palette.pix2pix.json).</summary>
    [JsonPropertyName("facades_root")] public string FacadesRoot { get; init; } = "../shared/datasets/facades";

    public static readonly string[] Datasets = ["synth", "facades"];

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Out)) throw new UserError("--out is empty; give the folder to write the reproduction to");
        if (!Datasets.Contains(Dataset)) throw new UserError($"unknown --dataset '{Dataset}'; use synth or facades");
        if (!(MinutesPerModel > 0)) throw new UserError($"--minutes-per-model {MinutesPerModel} is not allowed; give a positive budget in minutes (e.g. 4)");
        if (Size is not (32 or 64 or 128 or 256)) throw new UserError($"--size {Size} is not allowed; use 32, 64, 128 or 256 (CoGAN and the U-Net need a power of two)");
        if (Train < 1 || Test < 1) throw new UserError("--train and --test must be at least 1");
        if (Ngf < 1 || Ndf < 1) throw new UserError("--ngf and --ndf must be positive");
        if (Seeds < 1) throw new UserError($"--seeds {Seeds} is not allowed; train every method at least once (e.g. --seeds 3)");
        if (NEpochs < 1 || NEpochsDecay < 0 || SegmenterEpochs < 1) throw new UserError("epochs must be at least 1");
        foreach (var m in Methods)
            if (ReproduceMethod.All.All(x => x.Key != m))
                throw new UserError($"unknown method '{m}' in --methods; use {string.Join(", ", ReproduceMethod.All.Select(x => x.Key))}");
    }

    public IReadOnlyList<ReproduceMethod> SelectedMethods =>
        Methods.Count == 0 ? ReproduceMethod.All : ReproduceMethod.All.Where(m => Methods.Contains(m.Key)).ToList();
}
