using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CycleGan.Networks;
using CycleGan.Onnx;
using CycleGan.Options;
using static TorchSharp.torch;

namespace CycleGan.Inference;

/// <summary>
/// <c>--engine auto|torch|onnxruntime</c> for a checkpoint. auto runs the faster engine for this network on this CPU:
/// the first time a network of its kind is translated on a machine, the checkpoint is exported to ONNX in memory, both
/// engines translate a probe image, ONNX Runtime's output is checked against the kernel-checked TorchSharp one
/// (within <see cref="ProbeTolerance"/>, so a faulty kernel in either is caught) and both are timed; the choice is
/// remembered per machine in <see cref="DefaultCachePath"/>.
/// </summary>
public sealed class EngineChoice
{
    public static IReadOnlyList<string> Engines => TranslateOptions.EngineNames;

    /// <summary>One 8-bit level in [-1, 1]: the engines must give the same pixels within ±1 level.</summary>
    public const double ProbeTolerance = 2.0 / 255;

    /// <summary>Where choices are remembered: <c>$CYCLEGAN_CACHE_DIR</c>, else <c>~/.cache/cyclegan</c>.</summary>
    public static string DefaultCachePath => Path.Combine(Environment.GetEnvironmentVariable("CYCLEGAN_CACHE_DIR") is { Length: > 0 } d
        ? d : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "cyclegan"), "engines.json");

    /// <summary>The cache file (tests use their own).</summary>
    public string CachePath { get; init; } = DefaultCachePath;

    /// <summary>Seconds of one forward pass of the probe (tests give fixed timings).</summary>
    public Func<IImageGenerator, Tensor, double> Time { get; init; } = Median3;

    /// <summary>Opens an exported model in ONNX Runtime (tests wrap it to fake a faulty engine).</summary>
    public Func<byte[], TranslateOptions, IImageGenerator> OpenOnnx { get; init; } =
        (model, opt) => IImageGenerator.OnOnnxRuntime(OnnxGenerator.Load(model, opt.Compute.Device), opt);

    /// <summary>What was decided, and why, for the user.</summary>
    public sealed record Decision(string Engine, string Reason, bool Measured);

    /// <summary>The last decision of <see cref="Open"/> (null for an explicit --engine or --onnx).</summary>
    public Decision? Last { get; private set; }

    /// <summary>The generator of <c>--checkpoint</c> on the engine <c>--engine</c> names or auto chooses.</summary>
    public IImageGenerator Open(TranslateOptions opt)
    {
        if (!Engines.Contains(opt.Engine))
            throw new UserError($"--engine {opt.Engine} is not one of: {string.Join(", ", Engines)}");
        if (opt.Engine == "torch") return TorchGenerator.Load(opt);
        if (opt.Engine == "onnxruntime") return InOnnxRuntime(opt);
        var key = Key(opt);
        var cache = ReadCache();
        if (cache.TryGetValue(key, out var known))
        {
            Last = new Decision(known.Engine, known.Reason, Measured: false);
            return known.Engine == "torch" ? TorchGenerator.Load(opt) : InOnnxRuntime(opt);
        }
        var torch = TorchGenerator.Load(opt);
        try
        {
            var (engine, reason, chosen) = Measure(torch, opt);
            chosen.BeginClip(); // with --temporal norm the probe's passes are no frames of the user's
            cache[key] = new CacheEntry(engine, reason);
            WriteCache(cache);
            Last = new Decision(engine, reason, Measured: true);
            if (!ReferenceEquals(chosen, torch)) torch.Dispose();
            return chosen;
        }
        catch
        {
            torch.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The checkpoint in ONNX Runtime, holding one copy of the weights at a time where it can: loaded without the kernel
    /// check (TorchSharp computes nothing), serialized, TorchSharp's copy and the model object freed before ONNX Runtime
    /// parses the bytes.
    /// </summary>
    IImageGenerator InOnnxRuntime(TranslateOptions opt)
    {
        byte[] model;
        using (var plain = TorchGenerator.Load(opt, compute: false)) model = Export(plain, opt);
        GC.Collect(); // the protobuf model's weight copies
        return OpenOnnx(model, opt);
    }

    (string Engine, string Reason, IImageGenerator Chosen) Measure(TorchGenerator torch, TranslateOptions opt)
    {
        IImageGenerator onnx;
        try { onnx = OpenOnnx(Export(torch, opt), opt); }
        catch (UserError e) { return ("torch", $"this network does not export to ONNX ({e.Message})", torch); }
        using var scope = NewDisposeScope();
        var size = (Math.Max(256, torch.SizeMultiple) + torch.SizeMultiple - 1) / torch.SizeMultiple * torch.SizeMultiple;
        manual_seed(0);
        var probe = rand(1, torch.InputChannels, size, size).mul(Scalars.Two).sub(Scalars.One);
        var diff = torch.Forward(probe).cpu().sub(onnx.Forward(probe).cpu()).abs().max().Value();
        if (!(diff <= ProbeTolerance))
        {
            onnx.Dispose();
            return ("torch", Invariant($"ONNX Runtime's output differs from the checked TorchSharp output by {diff:G3} on a {size} px probe (more than one level): translating with TorchSharp"), torch);
        }
        var (torchSeconds, onnxSeconds) = (Time(torch, probe), Time(onnx, probe));
        var reason = Invariant($"{size} px probe: TorchSharp {torchSeconds:F3} s, ONNX Runtime {onnxSeconds:F3} s, outputs within {diff:G2}");
        if (onnxSeconds < torchSeconds) return ("onnxruntime", reason, onnx);
        onnx.Dispose();
        return ("torch", reason, torch);
    }

    static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    static byte[] Export(TorchGenerator torch, TranslateOptions opt)
    {
        var meta = new GeneratorMetadata
        {
            NetG = opt.NetG, Ngf = opt.Ngf, Norm = opt.Norm, InputNc = opt.InputNc, OutputNc = opt.OutputNc,
            SizeMultiple = torch.SizeMultiple, CheckpointSha256 = OnnxExporter.Sha256(opt.Checkpoint),
        };
        // ToByteArray: one buffer of the exact size (a MemoryStream grows by doubling and copies again at ToArray)
        return Google.Protobuf.MessageExtensions.ToByteArray(
            OnnxExporter.Build(torch.Network, meta, temporal: opt.Temporal == "norm"));
    }

    static double Median3(IImageGenerator g, Tensor probe)
    {
        var times = new double[3];
        for (int i = 0; i < times.Length; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            using (NewDisposeScope()) g.Forward(probe);
            times[i] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        }
        return times.Order().ElementAt(1);
    }

    /// <summary>What decides the engine: the CPU, the network's shape, how TorchSharp computes it, both engines' versions.</summary>
    static string Key(TranslateOptions opt) => string.Join("|", CpuInfo.Read().Model, TorchSharp.torch.__version__,
        typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version, opt.NetG, opt.Ngf, opt.Norm, opt.InputNc,
        opt.OutputNc, opt.NoDropout, opt.Eval, opt.Compute.Kernels, PrecisionChoice.Resolve(opt.Compute.Precision, PrecisionChoice.Probe.ForInference(opt.Ngf)),
        opt.Compute.Device, get_num_threads(), opt.Temporal);

    sealed record CacheEntry(string Engine, string Reason);

    Dictionary<string, CacheEntry> ReadCache()
    {
        try
        {
            return File.Exists(CachePath)
                ? JsonSerializer.Deserialize<Dictionary<string, CacheEntry>>(File.ReadAllText(CachePath)) ?? []
                : [];
        }
        catch (JsonException) { return []; } // a damaged cache is measured again
    }

    void WriteCache(Dictionary<string, CacheEntry> cache)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(CachePath)!);
            AtomicFile.WriteAllText(CachePath, JsonSerializer.Serialize(cache, new JsonSerializerOptions { WriteIndented = true }));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or UserError) { } // measured again next time
    }
}
