using System.Globalization;
using CycleGan.Options;

namespace CycleGan.Models;

/// <summary>
/// The flags of <see cref="CycleGanModel"/> (official <c>cycle_gan_model.py</c>'s lambda_A, lambda_B, lambda_identity)
/// and our loss ablations of the paper's Table 4 (lambda_GAN, ablation); no dropout by default, as officially.
/// </summary>
public sealed record CycleGanOptions : ModelOptions
{
    [Option("lambda_A", "weight for cycle loss (A -> B -> A)")]
    public double LambdaA { get; set; } = 10.0;
    [Option("lambda_B", "weight for cycle loss (B -> A -> B)")]
    public double LambdaB { get; set; } = 10.0;
    [Option("lambda_identity", "use identity mapping: the weight of the identity loss relative to the reconstruction loss")]
    public double LambdaIdentity { get; set; } = 0.5;
    [Option("lambda_GAN", "cycle_gan: weight of the adversarial terms G_A, G_B in the generator loss (0 = cycle alone: no " +
        "discriminator is run or trained)")]
    public double LambdaGan { get; set; } = 1.0;
    [Option("ablation", "cycle_gan: loss ablation preset of the paper's Table 4 (sets lambda_GAN, lambda_A, lambda_B, "
        + "lambda_identity 0; do not also give those flags)",
        ChoicesFrom = typeof(CycleGanOptions), ChoicesMember = nameof(AblationNames))]
    public string Ablation { get; set; } = "none";

    /// <summary>The loss weights of each <c>--ablation</c> preset: (lambda_GAN, lambda_A, lambda_B), lambda_identity always 0.</summary>
    public static readonly IReadOnlyDictionary<string, (double Gan, double A, double B)> AblationPresets =
        new Dictionary<string, (double, double, double)>
    {
        ["cycle_alone"] = (0, 10, 10),
        ["gan_alone"] = (1, 0, 0),
        ["gan_forward"] = (1, 10, 0),
        ["gan_backward"] = (1, 0, 10),
    };

    /// <summary>The <c>--ablation</c> names: none and the presets.</summary>
    public static IEnumerable<string> AblationNames => ["none", .. AblationPresets.Keys];

    public override void SetDefaults(BaseOptions o) => o.NoDropout = true;

    public override void BeforeTraining(TrainOptions o)
    {
        ApplyAblation();
        CheckWeights();
    }

    /// <summary>
    /// Puts the <c>--ablation</c> preset's weights into the options (so train_opt.txt records them). A weight that
    /// differs from both its default and the preset was set explicitly and contradicts the preset: a user error.
    /// Applying twice is harmless.
    /// </summary>
    public void ApplyAblation()
    {
        if (Ablation == "none") return;
        if (!AblationPresets.TryGetValue(Ablation, out var p))
            throw new UserError($"--ablation {Ablation} is not known (use none, {string.Join(", ", AblationPresets.Keys)})");
        var defaults = new CycleGanOptions();
        foreach (var (flag, value, preset, dflt) in new[]
        {
            ("lambda_GAN", LambdaGan, p.Gan, defaults.LambdaGan), ("lambda_A", LambdaA, p.A, defaults.LambdaA),
            ("lambda_B", LambdaB, p.B, defaults.LambdaB), ("lambda_identity", LambdaIdentity, 0.0, defaults.LambdaIdentity),
        })
            if (value != preset && value != dflt)
                throw new UserError($"--{flag} {value.ToString(CultureInfo.InvariantCulture)} contradicts --ablation {Ablation}, " +
                    $"which sets it to {preset.ToString(CultureInfo.InvariantCulture)}; give either the preset or the weights");
        (LambdaGan, LambdaA, LambdaB, LambdaIdentity) = (p.Gan, p.A, p.B, 0.0);
    }
}
