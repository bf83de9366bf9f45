using CycleGan.Options;

namespace CycleGan.Models;

/// <summary>The flags of <see cref="FeatureGanModel"/> (<c>--model feature_gan</c>, docs/baselines.md); no dropout.</summary>
public sealed record FeatureGanOptions : ModelOptions
{
    [Option("lambda_feat", "feature_gan: weight of the L1 distance between ResNet18 features of G(x) and x")]
    public double LambdaFeat { get; set; } = 1.0;

    public override void SetDefaults(BaseOptions o) => o.NoDropout = true;

    public override void BeforeTraining(TrainOptions o) => CheckWeights();
}
