namespace CycleGan.Reproduce;

/// <summary>
/// One row of the paper's tables: the <c>--model</c> (and <c>--ablation</c>) that trains it, and whether one training
/// gives both directions (the CycleGAN family: G_A labels→photo, G_B photo→labels) or each direction needs its own
/// (the baselines and pix2pix translate A→B only; <c>--direction BtoA</c> trains the other way). <see cref="Flags"/>
/// are the row's own flags, as on a command line (<c>{size}</c> = the image size).
/// </summary>
public sealed record ReproduceMethod(string Key, string PaperName, string Model, string Ablation, bool BothDirections)
{
    public static readonly IReadOnlyList<ReproduceMethod> All =
    [
        Cycle("cycle_gan", "CycleGAN", "none"),
        Cycle("cycle_alone", "Cycle alone", "cycle_alone"),
        Cycle("gan_alone", "GAN alone", "gan_alone"),
        Cycle("gan_forward", "GAN + forward cycle", "gan_forward"),
        Cycle("gan_backward", "GAN + backward cycle", "gan_backward"),
        new("cogan", "CoGAN", "cogan", "none", false),
        new("bigan", "BiGAN/ALI", "bigan", "none", false),
        new("simgan", "SimGAN", "simgan", "none", false),
        new("feature_gan", "Feature loss + GAN", "feature_gan", "none", false),
        // pix2pix keeps its own U-Net, sized to the image.
        new("pix2pix", "pix2pix", "pix2pix", "none", false) { Flags = [("netG", "unet_{size}")] },
        // CUT (Park et al. 2020) translates A→B only, like the baselines; CUT_mode picks its preset.
        new("cut", "CUT", "cut", "none", false) { Flags = [("CUT_mode", "CUT")] },
        new("fastcut", "FastCUT", "cut", "none", false) { Flags = [("CUT_mode", "FastCUT")] },
    ];

    /// <summary>The row's flags (name, value) set after the shared ones.</summary>
    public IReadOnlyList<(string Name, string Value)> Flags { get; init; } = [];

    // CycleGAN trains without the identity loss, as in the paper's Cityscapes experiments (Table 4's presets too).
    static ReproduceMethod Cycle(string key, string paperName, string ablation) =>
        new(key, paperName, "cycle_gan", ablation, true) { Flags = [("lambda_identity", "0"), ("ablation", ablation)] };

    /// <summary>The training runs of this method: one for both directions, or AtoB (labels→photo) and BtoA (photo→labels).</summary>
    public IReadOnlyList<string> Directions => BothDirections ? ["AtoB"] : ["AtoB", "BtoA"];

    public string RunName(string direction) => BothDirections ? Key : $"{Key}_{direction}";
}
