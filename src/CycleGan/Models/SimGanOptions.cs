using CycleGan.Options;

namespace CycleGan.Models;

/// <summary>The flags of <see cref="SimGanModel"/> (<c>--model simgan</c>, docs/baselines.md); no dropout, as CycleGAN.</summary>
public sealed record SimGanOptions : ModelOptions
{
    [Option("lambda_reg", "simgan: weight of the self-regularisation L1 |G(x) - x|")]
    public double LambdaReg { get; set; } = 10.0;

    public override void SetDefaults(BaseOptions o) => o.NoDropout = true;

    public override void BeforeTraining(TrainOptions o) => CheckWeights();
}
