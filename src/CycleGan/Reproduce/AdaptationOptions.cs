using System.Text.Json.Serialization;

namespace CycleGan.Reproduce;

/// <summary>
/// What <c>cyclegan reproduce --experiment adaptation</c> runs: segmenters trained on style-1 (day) photos, on style-2
/// (night/fog) photos, and on style-1 photos translated to style 2 by a CycleGAN, all tested on style-2 photos.
/// </summary>
public sealed record AdaptationOptions
{
    [JsonPropertyName("out")] public string Out { get; init; } = "./adaptation";
    /// <summary>Training budget of the style-1 → style-2 CycleGAN.</summary>
    [JsonPropertyName("minutes")] public double Minutes { get; init; } = 6;
    [JsonPropertyName("size")] public int Size { get; init; } = 32;
    [JsonPropertyName("train")] public int Train { get; init; } = 400;
    [JsonPropertyName("test")] public int Test { get; init; } = 100;
    [JsonPropertyName("ngf")] public int Ngf { get; init; } = 16;
    [JsonPropertyName("ndf")] public int Ndf { get; init; } = 16;
    [JsonPropertyName("netG")] public string NetG { get; init; } = "resnet_6blocks";
    [JsonPropertyName("n_epochs")] public int NEpochs { get; init; } = 5;
    [JsonPropertyName("n_epochs_decay")] public int NEpochsDecay { get; init; } = 5;
    /// <summary>The official default: the identity loss keeps a photo's content when it is already in the target style.</summary>
    [JsonPropertyName("lambda_identity")] public double LambdaIdentity { get; init; } = 0.5;
    [JsonPropertyName("segmenter_epochs")] public int SegmenterEpochs { get; init; } = 20;
    [JsonPropertyName("seed")] public int Seed { get; init; }
    [JsonPropertyName("device")] public string Device { get; init; } = "cpu";
    [JsonPropertyName("examples")] public int Examples { get; init; } = 4;

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Out)) throw new UserError("--out is empty; give the folder to write the experiment to");
        if (!(Minutes > 0)) throw new UserError($"--minutes-per-model {Minutes} is not allowed; give a positive budget in minutes (e.g. 6)");
        if (Size < 32 || Size % 8 != 0) throw new UserError($"--size {Size} is not allowed; use a multiple of 8 that is at least 32 (e.g. 32 or 64)");
        if (Train < 1 || Test < 1) throw new UserError("--train and --test must be at least 1");
        if (Ngf < 1 || Ndf < 1) throw new UserError("--ngf and --ndf must be positive");
        if (NEpochs < 1 || NEpochsDecay < 0 || SegmenterEpochs < 1) throw new UserError("epochs must be at least 1");
    }
}
