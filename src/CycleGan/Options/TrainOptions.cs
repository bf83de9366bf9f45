using CycleGan.Models;

namespace CycleGan.Options;

/// <summary>
/// The official <c>options/train_options.py</c> and our additions (lambda_gp, distributed, skip_bad_images). A model's
/// own flags (lambda_A, lambda_L1, ...) are in its options record beside it, carried in <see cref="BaseOptions.ModelFlags"/>.
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

    [Option("lambda_gp", "weight of the WGAN-GP gradient penalty with --gan_mode wgangp (0 = the official step, which has none)")]
    public double LambdaGp { get; set; } = 10.0;
    [Option("distributed", "data-parallel training over MPI: auto (when started by mpirun, srun or another MPI launcher), mpi, "
        + "or none (see docs/distributed.md)", ChoicesFrom = typeof(CycleGan.Distributed.LaunchEnvironment),
        ChoicesMember = nameof(CycleGan.Distributed.LaunchEnvironment.Modes))]
    public string Distributed { get; set; } = "auto";
    [Option("skip_bad_images", "skip undecodable image files with a warning instead of stopping before training")]
    public bool SkipBadImages { get; set; }
}
