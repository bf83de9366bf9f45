using CycleGan.Models;

namespace CycleGan.Options;

/// <summary>
/// The official <c>options/train_options.py</c> plus the model options of CycleGAN (lambda_A, lambda_B,
/// lambda_identity) and pix2pix (lambda_L1), and our additions (lambda_gp, skip_bad_images; the loss ablations
/// lambda_GAN and ablation; the baselines' lambda_reg and lambda_feat, see docs/baselines.md).
/// </summary>
public record TrainOptions : BaseOptions
{
    [Option("display_freq", "frequency of showing training results on the training page (iterations)")]
    public int DisplayFreq { get; set; } = 400;
    [Option("display_ncols", "if positive, display all images in a single row with display_ncols images each")]
    public int DisplayNcols { get; set; } = 4;
    [Option("display_id", "accepted for compatibility (no visdom here)")]
    public int DisplayId { get; set; } = 1;
    [Option("update_html_freq", "frequency of saving training results to html (iterations)")]
    public int UpdateHtmlFreq { get; set; } = 1000;
    [Option("print_freq", "frequency of showing training results on console (iterations)")]
    public int PrintFreq { get; set; } = 100;
    [Option("no_html", "do not save intermediate training results to [checkpoints_dir]/[name]/web/")]
    public bool NoHtml { get; set; }
    [Option("save_latest_freq", "frequency of saving the latest results (iterations)")]
    public int SaveLatestFreq { get; set; } = 5000;
    [Option("save_epoch_freq", "frequency of saving checkpoints at the end of epochs")]
    public int SaveEpochFreq { get; set; } = 5;
    [Option("save_by_iter", "whether saves model by iteration")]
    public bool SaveByIter { get; set; }
    [Option("continue_train", "continue training: load the latest model (and the full training state when present)")]
    public bool ContinueTrain { get; set; }
    [Option("epoch_count", "the starting epoch count, we save the model by <epoch_count>, <epoch_count>+<save_latest_freq>, ...")]
    public int EpochCount { get; set; } = 1;
    [Option("phase", "train, val, test, etc")]
    public string Phase { get; set; } = "train";
    [Option("n_epochs", "number of epochs with the initial learning rate")]
    public int NEpochs { get; set; } = 100;
    [Option("n_epochs_decay", "number of epochs to linearly decay learning rate to zero")]
    public int NEpochsDecay { get; set; } = 100;
    [Option("beta1", "momentum term of adam")]
    public double Beta1 { get; set; } = 0.5;
    [Option("lr", "initial learning rate for adam")]
    public double Lr { get; set; } = 0.0002;
    [Option("gan_mode", "the type of GAN objective", ChoicesFrom = typeof(GanLoss), ChoicesMember = nameof(GanLoss.Modes))]
    public string GanMode { get; set; } = "lsgan";
    [Option("pool_size", "the size of image buffer that stores previously generated images")]
    public int PoolSize { get; set; } = 50;
    [Option("lr_policy", "learning rate policy", ChoicesFrom = typeof(LrScheduler), ChoicesMember = nameof(LrScheduler.Policies))]
    public string LrPolicy { get; set; } = "linear";
    [Option("lr_decay_iters", "multiply by a gamma every lr_decay_iters epochs (step policy)")]
    public int LrDecayIters { get; set; } = 50;

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
        ChoicesFrom = typeof(TrainOptions), ChoicesMember = nameof(AblationNames))]
    public string Ablation { get; set; } = "none";
    [Option("lambda_L1", "weight for L1 loss (pix2pix)")]
    public double LambdaL1 { get; set; } = 100.0;
    [Option("lambda_gp", "weight of the WGAN-GP gradient penalty with --gan_mode wgangp (0 = the official step, which has none)")]
    public double LambdaGp { get; set; } = 10.0;
    [Option("lambda_reg", "simgan: weight of the self-regularisation L1 |G(x) - x|")]
    public double LambdaReg { get; set; } = 10.0;
    [Option("lambda_feat", "feature_gan: weight of the L1 distance between ResNet18 features of G(x) and x")]
    public double LambdaFeat { get; set; } = 1.0;
    [Option("distributed", "data-parallel training over MPI: auto (when started by mpirun, srun or another MPI launcher), mpi, "
        + "or none (see docs/distributed.md)", ChoicesFrom = typeof(CycleGan.Distributed.LaunchEnvironment),
        ChoicesMember = nameof(CycleGan.Distributed.LaunchEnvironment.Modes))]
    public string Distributed { get; set; } = "auto";
    [Option("skip_bad_images", "skip undecodable image files with a warning instead of stopping before training")]
    public bool SkipBadImages { get; set; }

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
        if (Model != "cycle_gan")
            throw new UserError($"--ablation is for --model cycle_gan, not {Model}");
        var defaults = new TrainOptions();
        foreach (var (flag, value, preset, dflt) in new[]
        {
            ("lambda_GAN", LambdaGan, p.Gan, defaults.LambdaGan), ("lambda_A", LambdaA, p.A, defaults.LambdaA),
            ("lambda_B", LambdaB, p.B, defaults.LambdaB), ("lambda_identity", LambdaIdentity, 0.0, defaults.LambdaIdentity),
        })
            if (value != preset && value != dflt)
                throw new UserError($"--{flag} {value.ToString(System.Globalization.CultureInfo.InvariantCulture)} contradicts " +
                    $"--ablation {Ablation}, which sets it to {preset.ToString(System.Globalization.CultureInfo.InvariantCulture)}; give " +
                    $"either the preset or the weights");
        (LambdaGan, LambdaA, LambdaB, LambdaIdentity) = (p.Gan, p.A, p.B, 0.0);
    }
}
