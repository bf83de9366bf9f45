using CycleGan.Options;

namespace CycleGan.Models;

/// <summary>
/// The flags of <see cref="Pix2PixModel"/> (official <c>pix2pix_model.py</c>): lambda_L1, and its defaults — batch
/// norm, unet_256, aligned data; for training no image pool and the vanilla GAN loss.
/// </summary>
public record Pix2PixOptions : ModelOptions
{
    [Option("lambda_L1", "weight for L1 loss (pix2pix)")]
    public double LambdaL1 { get; set; } = 100.0;

    public override void SetDefaults(BaseOptions o)
    {
        o.Norm = "batch";
        o.NetG = "unet_256";
        o.DatasetMode = "aligned";
        if (o is TrainOptions t)
        {
            t.PoolSize = 0;
            t.GanMode = "vanilla";
        }
    }

    public override void BeforeTraining(TrainOptions o) => CheckWeights();
}
