using System.Text.Json.Serialization;

namespace CycleGan.Reproduce;

/// <summary>
/// What <c>cyclegan reproduce --experiment adaptation</c> runs: segmenters trained on style-1 (day) photos, on style-2
/// (night/fog) photos, and on style-1 photos translated to style 2 by a CycleGAN, all tested on style-2 photos.
/// </summary>
public sealed record AdaptationOptions : ExperimentOptions
{
    public AdaptationOptions() => Out = "./adaptation";

    /// <summary>The shared settings of <paramref name="common"/> (e.g. the command's), with this experiment's own defaults.</summary>
    public AdaptationOptions(ExperimentOptions common) : base(common) { }

    /// <summary>Training budget of the style-1 → style-2 CycleGAN.</summary>
    [JsonPropertyName("minutes")] public double Minutes { get; init; } = 6;
    /// <summary>The official default: the identity loss keeps a photo's content when it is already in the target style.</summary>
    [JsonPropertyName("lambda_identity")] public double LambdaIdentity { get; init; } = 0.5;

    public override void Validate()
    {
        if (!(Minutes > 0))
            throw new UserError($"--minutes_per_model {Minutes} is not allowed; give a positive budget in minutes (e.g. 6)");
        base.Validate();
    }

    protected override void ValidateSize()
    {
        if (Size < 32 || Size % 8 != 0)
            throw new UserError($"--size {Size} is not allowed; use a multiple of 8 that is at least 32 (e.g. 32 or 64)");
    }
}
