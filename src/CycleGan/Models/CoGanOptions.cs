using CycleGan.Options;

namespace CycleGan.Models;

/// <summary>
/// The flags of <see cref="CoGanModel"/> (<c>--model cogan</c>) and its defaults: DCGAN's choices (Radford et al.
/// 2016), which CoGAN's networks follow — batch norm and the vanilla GAN loss.
/// </summary>
public sealed record CoGanOptions : ModelOptions
{
    [Option("nz", "cogan: size of the shared latent vector z")]
    public int Nz { get; set; } = 64;
    [Option("cogan_inference_steps", "cogan: Adam steps on z to fit G_A(z) to the input image when translating")]
    public int CoganInferenceSteps { get; set; } = 100;

    public override void SetDefaults(BaseOptions o)
    {
        o.Norm = "batch";
        if (o is TrainOptions t) t.GanMode = "vanilla";
    }
}
