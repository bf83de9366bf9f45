namespace CycleGan.Reproduce;

/// <summary>
/// One row of the paper's tables: the <c>--model</c> (and <c>--ablation</c>) that trains it, and whether one training
/// gives both directions (the CycleGAN family: G_A labels→photo, G_B photo→labels) or each direction needs its own
/// (the baselines and pix2pix translate A→B only; <c>--direction BtoA</c> trains the other way).
/// </summary>
public sealed record ReproduceMethod(string Key, string PaperName, string Model, string Ablation, bool BothDirections)
{
    public static readonly IReadOnlyList<ReproduceMethod> All =
    [
        new("cycle_gan", "CycleGAN", "cycle_gan", "none", true),
        new("cycle_alone", "Cycle alone", "cycle_gan", "cycle_alone", true),
        new("gan_alone", "GAN alone", "cycle_gan", "gan_alone", true),
        new("gan_forward", "GAN + forward cycle", "cycle_gan", "gan_forward", true),
        new("gan_backward", "GAN + backward cycle", "cycle_gan", "gan_backward", true),
        new("cogan", "CoGAN", "cogan", "none", false),
        new("bigan", "BiGAN/ALI", "bigan", "none", false),
        new("simgan", "SimGAN", "simgan", "none", false),
        new("feature_gan", "Feature loss + GAN", "feature_gan", "none", false),
        new("pix2pix", "pix2pix", "pix2pix", "none", false),
    ];

    /// <summary>The training runs of this method: one for both directions, or AtoB (labels→photo) and BtoA (photo→labels).</summary>
    public IReadOnlyList<string> Directions => BothDirections ? ["AtoB"] : ["AtoB", "BtoA"];

    public string RunName(string direction) => BothDirections ? Key : $"{Key}_{direction}";
}
