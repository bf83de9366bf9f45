namespace CycleGan.Benchmarks;

/// <summary>
/// What `cyclegan bench` times; the same arguments and defaults as shared/bench/torch_cyclegan_bench.py, so the
/// C# and PyTorch numbers describe the same work. Null NetG / Norm / GanMode mean the model's official default.
/// </summary>
public sealed record BenchOptions
{
    public string Mode { get; init; } = "train";
    /// <summary>torchsharp, or onnxruntime: the same generator exported (<see cref="Onnx.OnnxExporter"/>), run by ONNX Runtime.</summary>
    public string Impl { get; init; } = "torchsharp";
    public string Model { get; init; } = "cycle_gan";
    public int Size { get; init; } = 256;
    public string? NetG { get; init; }
    public string NetD { get; init; } = "basic";
    public int NLayersD { get; init; } = 3;
    public int Ngf { get; init; } = 64;
    public int Ndf { get; init; } = 64;
    public string? Norm { get; init; }
    public bool NoDropout { get; init; }
    public string? GanMode { get; init; }
    public int Batch { get; init; } = 1;
    public int Iters { get; init; } = 10;
    public int Warmup { get; init; } = 2;
    /// <summary>torch.set_num_threads; 0 leaves libtorch's default.</summary>
    public int Threads { get; init; }
    public long Seed { get; init; }
    /// <summary>fp32, or bf16: mixed precision, convolutions in bfloat16 (see <see cref="Networks.Conv"/>).</summary>
    public string Precision { get; init; } = "fp32";
    /// <summary>fast or official; see <see cref="Networks.Compute"/>.</summary>
    public string Kernels { get; init; } = "fast";
    /// <summary>Time the phases of each training step and, in extra iterations, the forward time per layer kind.</summary>
    public bool Profile { get; init; }
    /// <summary>Report resident memory every N timed iterations (0: never).</summary>
    public int RssEvery { get; init; }
    /// <summary>Inference: generator weights to load (.pth) instead of the random initialisation.</summary>
    public string? Checkpoint { get; init; }
    /// <summary>Inference: an image (Size × Size) to translate instead of the seeded random input.</summary>
    public string? Image { get; init; }

    public bool IsCycleGan => Model == "cycle_gan";
    public string ResolvedNetG => NetG ?? (IsCycleGan ? "resnet_9blocks" : "unet_256");
    public string ResolvedNorm => Norm ?? (IsCycleGan ? "instance" : "batch");
    public string ResolvedGanMode => GanMode ?? (IsCycleGan ? "lsgan" : "vanilla");
    /// <summary>Official: CycleGAN never uses dropout, pix2pix does unless --no_dropout.</summary>
    public bool UseDropout => !IsCycleGan && !NoDropout;

    /// <summary>Throws <see cref="UserError"/> for the combinations the PyTorch script rejects too.</summary>
    public void Validate()
    {
        Check(Mode is "train" or "infer", $"--mode {Mode}: expected train or infer");
        Check(Impl is "torchsharp" or "onnxruntime", $"--impl {Impl}: expected torchsharp or onnxruntime");
        Check(Impl == "torchsharp" || (Mode == "infer" && Precision == "fp32" && !Profile),
            "--impl onnxruntime times --mode infer in fp32 only, without --profile");
        Check(Model is "cycle_gan" or "pix2pix", $"--model {Model}: expected cycle_gan or pix2pix");
        _ = Networks.Compute.FromOptions(Kernels, Precision); // --kernels and --precision, with its messages
        foreach (var (name, v) in new[] { ("size", Size), ("ngf", Ngf), ("ndf", Ndf), ("batch", Batch), ("iters", Iters) })
            Check(v >= 1, $"--{name} must be at least 1");
        Check(Warmup >= 0 && Threads >= 0 && RssEvery >= 0, "--warmup, --threads and --rss-every must not be negative");
        Check(ResolvedNorm is "instance" or "batch" or "none", $"--norm {ResolvedNorm}: expected instance, batch or none");
        Check(ResolvedGanMode is "lsgan" or "vanilla" or "wgangp", $"--gan_mode {ResolvedGanMode}: expected lsgan, vanilla or wgangp");
        var multiple = Networks.NetworkRegistry.SizeMultiple(ResolvedNetG);
        Check(Size % multiple == 0, $"{ResolvedNetG} needs --size divisible by {multiple}");
        Check(Mode == "infer" || (Checkpoint is null && Image is null), "--checkpoint and --image are for --mode infer");
    }

    static void Check(bool ok, string message)
    {
        if (!ok) throw new UserError(message);
    }
}
