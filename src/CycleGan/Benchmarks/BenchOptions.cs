using CycleGan.Models;
using CycleGan.Networks;
using CycleGan.Options;

namespace CycleGan.Benchmarks;

/// <summary>
/// What `cyclegan bench` times, and its flags: the arguments and defaults of the PyTorch bench script
/// (bench/README.md), so the C# and PyTorch numbers describe the same work. Null NetG / Norm / GanMode mean the
/// model's official default (<c>TrainOptions.For(model)</c>).
/// </summary>
public sealed record BenchOptions
{
    [Option("mode", "train: one full optimize_parameters() per iteration; infer: one generator forward (eval, no_grad)",
        Choices = ["train", "infer"])]
    public string Mode { get; init; } = "train";
    /// <summary>torchsharp, or onnxruntime: the same generator exported (<see cref="Onnx.OnnxExporter"/>), run by ONNX Runtime.</summary>
    [Option("impl", "torchsharp, or onnxruntime (--mode infer: the generator exported to ONNX, run by ONNX Runtime on the CPU)",
        Choices = ["torchsharp", "onnxruntime"])]
    public string Impl { get; init; } = "torchsharp";
    [Option("model", "the model whose step is timed (cut: TorchSharp only, the PyTorch script has no CUT)",
        Choices = ["cycle_gan", "pix2pix", "cut"])]
    public string Model { get; init; } = "cycle_gan";
    [Option("CUT_mode", "--model cut: the preset timed, CUT (NCE identity term) or FastCUT (none, flip equivariance)",
        ChoicesFrom = typeof(CutOptions), ChoicesMember = nameof(CutOptions.Modes))]
    public string CutMode { get; init; } = "CUT";
    [Option("size", "image height = width in pixels")]
    public int Size { get; init; } = 256;
    [Option("netG", "generator (default: the model's)", ChoicesFrom = typeof(NetworkRegistry),
        ChoicesMember = nameof(NetworkRegistry.GeneratorNames))]
    public string? NetG { get; init; }
    [Option("netD", "discriminator", ChoicesFrom = typeof(NetworkRegistry), ChoicesMember = nameof(NetworkRegistry.DiscriminatorNames))]
    public string NetD { get; init; } = "basic";
    [Option("n_layers_D", "layers of an n_layers discriminator")]
    public int NLayersD { get; init; } = 3;
    [Option("ngf", "generator width")]
    public int Ngf { get; init; } = 64;
    /// <summary>The shape <c>--precision auto</c> is decided for: the generator at <see cref="Size"/>.</summary>
    public Networks.PrecisionChoice.Probe PrecisionProbe => Networks.PrecisionChoice.Probe.ForGenerator(Ngf, Size);
    [Option("ndf", "discriminator width")]
    public int Ndf { get; init; } = 64;
    [Option("norm", "normalization (default: the model's)", ChoicesFrom = typeof(NormLayer), ChoicesMember = nameof(NormLayer.Kinds))]
    public string? Norm { get; init; }
    [Option("no_dropout", "pix2pix only (CycleGAN never uses dropout); pix2pix defaults to dropout on")]
    public bool NoDropout { get; init; }
    [Option("gan_mode", "GAN objective (default: the model's)", ChoicesFrom = typeof(GanLoss), ChoicesMember = nameof(GanLoss.Modes))]
    public string? GanMode { get; init; }
    [Option("batch_size", "images per iteration", Aliases = ["batch"])]
    public int Batch { get; init; } = 1;
    [Option("iters", "timed iterations")]
    public int Iters { get; init; } = 10;
    [Option("warmup", "untimed iterations before timing (the first also counts the MACs)")]
    public int Warmup { get; init; } = 2;
    /// <summary>torch.set_num_threads; 0 leaves libtorch's default.</summary>
    [Option("threads", "torch.set_num_threads (0 = libtorch's default)")]
    public int Threads { get; init; }
    [Option("seed", "seed of the inputs and the initial weights")]
    public long Seed { get; init; }
    /// <summary>fp32, or bf16: mixed precision, convolutions in bfloat16 (see <see cref="Networks.Conv"/>).</summary>
    [Option("precision", ComputeOptions.PrecisionHelp,
        ChoicesFrom = typeof(Compute), ChoicesMember = nameof(Compute.Precisions))]
    public string Precision { get; init; } = "fp32";
    /// <summary>fast or official; see <see cref="Networks.Compute"/>.</summary>
    [Option("kernels", ComputeOptions.KernelsHelp,
        ChoicesFrom = typeof(Compute), ChoicesMember = nameof(Compute.KernelNames))]
    public string Kernels { get; init; } = "fast";
    /// <summary>Time the phases of each training step and, in extra iterations, the forward time per layer kind.</summary>
    [Option("profile", "also time each phase of a step and the forward time per layer kind (breakdown on stderr, and in the JSON)")]
    public bool Profile { get; init; }
    /// <summary>Report resident memory every N timed iterations (0: never).</summary>
    [Option("rss_every", "print resident memory to stderr every N timed iterations", Aliases = ["rss-every"])]
    public int RssEvery { get; init; }
    /// <summary>Inference: generator weights to load (.pth) instead of the random initialisation.</summary>
    [Option("checkpoint", "infer: load the generator from this .pth (e.g. latest_net_G.pth)")]
    public string? Checkpoint { get; init; }
    /// <summary>Inference: an image (Size × Size) to translate instead of the seeded random input.</summary>
    [Option("image", "infer: translate this size x size RGB image instead of a random input")]
    public string? Image { get; init; }

    public string ResolvedNetG => NetG ?? ModelOptions().NetG;
    public string ResolvedNorm =>
        Norm ?? (ModelOptions() is { ModelFlags: CutOptions cut } ? cut.NormG : ModelOptions().Norm);
    public string ResolvedGanMode => GanMode ?? ModelOptions().GanMode;
    /// <summary>Official: CycleGAN never uses dropout, pix2pix does unless --no_dropout.</summary>
    public bool UseDropout => !NoDropout && !ModelOptions().NoDropout;

    /// <summary>The training options with the model's official defaults (cut: those of its --CUT_mode), where the
    /// unset flags come from.</summary>
    public TrainOptions ModelOptions() => (TrainOptions)ModelRegistry.NewOptions(typeof(TrainOptions), Model, f =>
    {
        if (f is CutOptions cut) cut.CutMode = CutMode;
    });

    /// <summary>Throws <see cref="UserError"/> for the combinations the PyTorch script rejects too.</summary>
    public void Validate()
    {
        Check(Mode is "train" or "infer", $"--mode {Mode}: expected train or infer");
        Check(Impl is "torchsharp" or "onnxruntime", $"--impl {Impl}: expected torchsharp or onnxruntime");
        Check(Model != "cut" || (Impl == "torchsharp" && Mode == "train"),
            "--model cut is timed by TorchSharp in --mode train only (--impl torchsharp; the PyTorch script and the "
            + "ONNX Runtime bench have no CUT)");
        Check(Impl == "torchsharp" || (Mode == "infer" && Precision == "fp32" && !Profile),
            "--impl onnxruntime times --mode infer in fp32 only, without --profile");
        Check(Model is "cycle_gan" or "pix2pix" or "cut", $"--model {Model}: expected cycle_gan, pix2pix or cut");
        Check(Model == "cut" || CutMode == "CUT", "--CUT_mode is for --model cut");
        if (Model == "cut") _ = new CutOptions { CutMode = CutMode }.IsFastCut; // its message for a wrong mode
        Check(Model != "cut" || CutNetworks.GeneratorNames.Contains(ResolvedNetG),
            $"--model cut trains {string.Join(" or ", CutNetworks.GeneratorNames)} (not {ResolvedNetG})");
        // --kernels and --precision, with its messages (auto is timed here once, for the shape that runs)
        _ = Networks.Compute.FromOptions(Kernels, Precision, PrecisionProbe);
        foreach (var (name, v) in new[] { ("size", Size), ("ngf", Ngf), ("ndf", Ndf), ("batch_size", Batch), ("iters", Iters) })
            Check(v >= 1, $"--{name} must be at least 1");
        Check(Warmup >= 0 && Threads >= 0 && RssEvery >= 0, "--warmup, --threads and --rss_every must not be negative");
        Check(NormLayer.Kinds.Contains(ResolvedNorm), $"--norm {ResolvedNorm}: expected {string.Join(", ", NormLayer.Kinds)}");
        Check(GanLoss.Modes.Contains(ResolvedGanMode), $"--gan_mode {ResolvedGanMode}: expected {string.Join(", ", GanLoss.Modes)}");
        var multiple = Networks.NetworkRegistry.SizeMultiple(ResolvedNetG);
        Check(Size % multiple == 0, $"{ResolvedNetG} needs --size divisible by {multiple}");
        Check(Mode == "infer" || (Checkpoint is null && Image is null), "--checkpoint and --image are for --mode infer");
    }

    static void Check(bool ok, string message)
    {
        if (!ok) throw new UserError(message);
    }
}
