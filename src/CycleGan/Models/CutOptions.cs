using System.Globalization;
using CycleGan.Networks;
using CycleGan.Options;

namespace CycleGan.Models;

/// <summary>
/// The flags of <see cref="CutModel"/> (official contrastive-unpaired-translation <c>cut_model.py</c>) and the CUT
/// code's own base defaults (xavier init, no dropout, <c>--normG</c>/<c>--normD</c>, 200 + 200 epochs, no image
/// pool). <c>--CUT_mode</c> picks a preset of defaults, as officially: CUT (λ_NCE 1, NCE identity loss) or FastCUT
/// (λ_NCE 10, no identity loss, flip equivariance, 150 + 50 epochs); flags given explicitly win over the preset.
/// </summary>
public sealed record CutOptions : ModelOptions
{
    /// <summary>The official <c>--CUT_mode</c> spellings.</summary>
    public static IReadOnlyList<string> Modes { get; } = ["CUT", "cut", "FastCUT", "fastcut"];

    [Option("CUT_mode", "cut: preset of defaults, CUT (lambda_NCE 1, nce_idt) or FastCUT (lambda_NCE 10, " +
        "flip_equivariance, 150 + 50 epochs); flags given explicitly win", ChoicesFrom = typeof(CutOptions),
        ChoicesMember = nameof(Modes))]
    public string CutMode { get; set; } = "CUT";
    [Option("lambda_GAN", "cut: weight for GAN loss: GAN(G(X))")]
    public double LambdaGan { get; set; } = 1.0;
    [Option("lambda_NCE", "cut: weight for NCE loss: NCE(G(X), X) (CUT_mode's preset: 1 or 10)")]
    public double LambdaNce { get; set; } = 1.0;
    [Option("nce_idt", "cut: use NCE loss for identity mapping: NCE(G(Y), Y) (CUT_mode's preset: on for CUT)")]
    public bool NceIdt { get; set; } = true;
    [Option("nce_layers", "cut: compute NCE loss on which layers of G (increasing ids, comma-separated)")]
    public string NceLayers { get; set; } = "0,4,8,12,16";
    [Option("nce_includes_all_negatives_from_minibatch", "cut: take the negatives from every image of the batch, not " +
        "only from the query's own (used for single image translation)")]
    public bool NceIncludesAllNegativesFromMinibatch { get; set; }
    [Option("netF", "cut: how to sample the feature maps", ChoicesFrom = typeof(CutNetworks),
        ChoicesMember = nameof(CutNetworks.FeatureNetworkNames))]
    public string NetF { get; set; } = "mlp_sample";
    [Option("netF_nc", "cut: width of netF's MLPs (the length of every sampled feature)")]
    public int NetFNc { get; set; } = 256;
    [Option("nce_T", "cut: temperature for NCE loss")]
    public double NceT { get; set; } = 0.07;
    [Option("num_patches", "cut: number of patches per layer")]
    public int NumPatches { get; set; } = 256;
    [Option("flip_equivariance", "cut: enforce flip-equivariance as additional regularization (CUT_mode's preset: on " +
        "for FastCUT)")]
    public bool FlipEquivariance { get; set; }
    [Option("no_antialias", "cut: use stride=2 convs instead of antialiased-downsampling (sad)")]
    public bool NoAntialias { get; set; }
    [Option("no_antialias_up", "cut: use [upconv(learned filter)] instead of [upconv(hard-coded [1,3,3,1] filter), " +
        "conv]")]
    public bool NoAntialiasUp { get; set; }
    [Option("normG", "cut: instance normalization or batch normalization for G (--norm is not used by cut)",
        ChoicesFrom = typeof(NormLayer), ChoicesMember = nameof(NormLayer.Kinds))]
    public string NormG { get; set; } = "instance";
    [Option("normD", "cut: instance normalization or batch normalization for D",
        ChoicesFrom = typeof(NormLayer), ChoicesMember = nameof(NormLayer.Kinds))]
    public string NormD { get; set; } = "instance";

    /// <summary>Whether <see cref="CutMode"/> is FastCUT (either spelling).</summary>
    public bool IsFastCut => CutMode.ToLowerInvariant() switch
    {
        "cut" => false,
        "fastcut" => true,
        _ => throw new UserError($"--CUT_mode {CutMode} is not one of: {string.Join(", ", Modes)}"),
    };

    /// <summary>
    /// The CUT code's defaults, then those of <see cref="CutMode"/>. The binder sets the given model flags before
    /// this (as the official <c>parse_known_args</c> reads CUT_mode first) and all flags again after it, so an
    /// explicit flag wins; code that sets <see cref="CutMode"/> itself calls this again afterwards.
    /// </summary>
    public override void SetDefaults(BaseOptions o)
    {
        o.InitType = "xavier";
        o.NoDropout = true;
        var fast = IsFastCut;
        (LambdaNce, NceIdt, FlipEquivariance) = fast ? (10.0, false, true) : (1.0, true, false);
        if (o is TrainOptions t)
        {
            t.PoolSize = 0;
            t.GanMode = "lsgan";
            (t.NEpochs, t.NEpochsDecay) = fast ? (150, 50) : (200, 200);
        }
    }

    public override void BeforeTraining(TrainOptions o)
    {
        CheckWeights();
        if (NumPatches < 0) throw new UserError($"--num_patches must not be negative (got {NumPatches})");
        _ = NceLayerIds();
    }

    /// <summary><see cref="NceLayers"/> as layer ids; a malformed list is a user error.</summary>
    public IReadOnlyList<int> NceLayerIds()
    {
        var parts = NceLayers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var ids = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out ids[i]))
                throw new UserError($"--nce_layers {NceLayers}: '{parts[i]}' is not a layer id");
        if (ids.Length == 0) throw new UserError("--nce_layers must name at least one layer");
        return ids;
    }
}
