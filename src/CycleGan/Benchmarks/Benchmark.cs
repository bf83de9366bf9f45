using System.Diagnostics;
using CycleGan.Checkpoints;
using CycleGan.Data;
using CycleGan.Models;
using CycleGan.Networks;
using CycleGan.Onnx;
using CycleGan.Options;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Benchmarks;

/// <summary>
/// `cyclegan bench`: times one official training step (<see cref="GanModel.OptimizeParameters"/>) or one generator
/// forward (eval mode, no_grad) on fixed seeded inputs, exactly as shared/bench/torch_cyclegan_bench.py does, and
/// counts convolution MACs with the script's convention (conv: output elements × in/groups × kH × kW; transposed
/// conv: input elements × out/groups × kH × kW; train = 3 × the forward MACs of every network call of one step).
/// </summary>
public static class Benchmark
{
    /// <param name="onRss">Called every <see cref="BenchOptions.RssEvery"/> timed iterations with (iteration, VmRSS MB).</param>
    public static BenchResult Run(BenchOptions o, Action<int, double>? onRss = null)
    {
        o.Validate();
        TorchRuntime.EnsureLoaded();
        if (o.Threads > 0) torch.set_num_threads(o.Threads);
        torch.manual_seed(o.Seed);
        return o.Mode == "train" ? RunTrain(o, onRss) : RunInfer(o, onRss);
    }

    static BenchResult RunTrain(BenchOptions o, Action<int, double>? onRss)
    {
        var opt = o.ModelOptions();
        opt.NetG = o.ResolvedNetG;
        opt.NetD = o.NetD;
        opt.NLayersD = o.NLayersD;
        opt.Ngf = o.Ngf;
        opt.Ndf = o.Ndf;
        opt.Norm = o.ResolvedNorm;
        opt.GanMode = o.ResolvedGanMode;
        opt.NoDropout = !o.UseDropout;
        opt.Compute = new() { Kernels = o.Kernels, Precision = o.Precision, Device = "cpu" };
        opt.CropSize = o.Size;
        opt.LoadSize = o.Size;
        opt.BatchSize = o.Batch;
        // CUT's networks take their norm from --normG / --normD
        if (opt.ModelFlags is CutOptions cut) (cut.NormG, cut.NormD) = (o.ResolvedNorm, o.ResolvedNorm);
        // The model's official defaults otherwise (lambdas, pool), as the PyTorch side sets them.

        using var model = ModelRegistry.Create(opt, isTrain: true, torch.CPU);
        model.SetTrainMode(true);
        using (var inputs = NewDisposeScope())
        {
            var realA = rand(o.Batch, 3, o.Size, o.Size).mul(Scalars.Two).sub(Scalars.One);
            var realB = rand(o.Batch, 3, o.Size, o.Size).mul(Scalars.Two).sub(Scalars.One);
            var paths = Enumerable.Repeat("bench", o.Batch).ToArray();
            model.SetInput(realA, realB, paths, paths);
        }
        var rng = new Rng((ulong)o.Seed);
        var nets = model.Networks.Values.ToList();
        void One()
        {
            using var scope = NewDisposeScope();
            model.OptimizeParameters(rng);
        }

        var forwardMacs = ConvMacs.Count(nets, One);
        var profiler = o.Profile ? new PhaseProfiler() : null;
        var times = Time(o, One, onRss, profiler is null ? null : () => profiler.Start(), () => model.PhaseObserver = profiler);
        model.PhaseObserver = null;
        var byLayer = o.Profile ? LayerTimer.Measure(nets, One, o.Iters) : null;
        return Result(o, times, 3 * forwardMacs, forwardMacs,
            "3 x the forward conv/convtranspose MACs of every network call in one optimize_parameters() (backward counted as 2 x forward)")
            with
            {
                NetD = o.NetD,
                Ndf = o.Ndf,
                CutMode = o.Model == "cut" ? o.CutMode : null,
                GanMode = o.ResolvedGanMode,
                ProfilePhasesS = profiler?.PerIteration(times.Count),
                ProfileForwardByLayerS = byLayer,
            };
    }

    static BenchResult RunInfer(BenchOptions o, Action<int, double>? onRss)
    {
        var spec = new NetworkSpec { Ngf = o.Ngf, NetG = o.ResolvedNetG, Norm = o.ResolvedNorm, UseDropout = o.UseDropout };
        using var g = NetworkRegistry.CreateGenerator(spec);
        if (o.Checkpoint is not null)
        {
            using var sd = PthFile.Read(o.Checkpoint);
            CheckpointLoader.Load(g, sd, o.Checkpoint);
        }
        g.eval();
        using var input = InferInput(o);

        if (o.Impl == "onnxruntime") return RunOnnxRuntime(o, g, input, onRss);
        double? maxLevels = null, meanLevels = null;
        var compute = Compute.FromOptions(o.Kernels, o.Precision, o.PrecisionProbe);
        if (compute.Bf16)
        {
            // the difference from the same network in fp32 with the same kernels
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var reference = (compute with { Bf16 = false }).Apply(g, gradients: false).forward(input);
            var diff = (compute.Apply(g, gradients: false).forward(input) - reference).abs().Times(127.5);
            maxLevels = diff.max().Value();
            meanLevels = diff.mean().Value();
        }
        compute.Apply(g, gradients: false);
        void One()
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            g.forward(input).Dispose();
        }

        var forwardMacs = ConvMacs.Count([g], One);
        var times = Time(o, One, onRss, null, null);
        var byLayer = o.Profile ? LayerTimer.Measure([g], One, o.Iters) : null;
        return Result(o, times, forwardMacs, forwardMacs, "forward conv/convtranspose MACs of one generator pass")
            with
            {
                Bf16MaxAbsDiffLevels = maxLevels,
                Bf16MeanAbsDiffLevels = meanLevels,
                ProfileForwardByLayerS = byLayer,
            };
    }

    /// <summary>
    /// The same generator exported in memory and run by ONNX Runtime on the CPU (<c>--threads</c> intra-op threads);
    /// the input is copied out of libtorch once, outside the timing.
    /// </summary>
    static BenchResult RunOnnxRuntime(BenchOptions o, Module<Tensor, Tensor> g, Tensor input, Action<int, double>? onRss)
    {
        var meta = new GeneratorMetadata
        {
            NetG = o.ResolvedNetG, Ngf = o.Ngf, Norm = o.ResolvedNorm, InputNc = 3, OutputNc = 3,
            SizeMultiple = NetworkRegistry.SizeMultiple(o.ResolvedNetG), CheckpointSha256 = "",
        };
        using var onnx = OnnxGenerator.Load(OnnxExporter.Build(g, meta).ToByteArray(), threads: o.Threads);
        var data = input.data<float>().ToArray();
        var shape = input.shape;
        long forwardMacs;
        using (no_grad()) forwardMacs = ConvMacs.Count([g], () => g.forward(input).Dispose());
        onnx.Run(data, shape); // the first of the warm-up iterations
        var times = Time(o, () => onnx.Run(data, shape), onRss, null, null);
        return Result(o, times, forwardMacs, forwardMacs, "forward conv/convtranspose MACs of one generator pass") with
        {
            Impl = "onnxruntime",
            Kernels = "onnxruntime",
            Threads = o.Threads, // 0: ONNX Runtime's default
            OnnxRuntimeVersion = OrtEnv.Instance().GetVersionString(),
        };
    }

    static Tensor InferInput(BenchOptions o)
    {
        using var scope = NewDisposeScope();
        Tensor x;
        if (o.Image is null) x = rand(o.Batch, 3, o.Size, o.Size).mul(Scalars.Two).sub(Scalars.One);
        else
        {
            var img = ImageFile.LoadRgb(o.Image);
            if (img.Width != o.Size || img.Height != o.Size || img.Channels != 3)
                throw new UserError($"--image {o.Image} is {img.Width}x{img.Height}x{img.Channels}; --size {o.Size} needs " +
                    $"a {o.Size}x{o.Size} RGB image");
            x = ImageTensor.ToTensor(img).unsqueeze(0).expand(o.Batch, -1, -1, -1).contiguous();
        }
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>The warm-up (the MAC-counting call was the first of it) and the timed iterations.</summary>
    static List<double> Time(BenchOptions o, Action one, Action<int, double>? onRss, Action? beforeEach, Action? beforeTimed)
    {
        for (int i = 1; i < o.Warmup; i++) one();
        beforeTimed?.Invoke();
        var times = new List<double>(o.Iters);
        for (int i = 1; i <= o.Iters; i++)
        {
            beforeEach?.Invoke();
            var t0 = Stopwatch.GetTimestamp();
            one();
            times.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
            if (onRss is not null && o.RssEvery > 0 && i % o.RssEvery == 0) onRss(i, ProcStatusMb("VmRSS"));
        }
        return times;
    }

    static BenchResult Result(BenchOptions o, List<double> times, long macs, long forwardMacs, string convention)
    {
        var sorted = times.Order().ToArray();
        var n = sorted.Length;
        var median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new BenchResult
        {
            Mode = o.Mode, Model = o.Model, Size = o.Size, Batch = o.Batch, NetG = o.ResolvedNetG, Ngf = o.Ngf,
            Norm = o.ResolvedNorm, Dropout = o.UseDropout, Precision = PrecisionChoice.Resolve(o.Precision, o.PrecisionProbe), // what ran
            Kernels = o.Kernels, Iters = o.Iters,
            Warmup = Math.Max(o.Warmup, 1), Threads = torch.get_num_threads(),
            MedianS = median, MinS = sorted[0], MeanS = times.Average(), ImagesPerS = o.Batch / median,
            PeakRssMb = ProcStatusMb("VmHWM"),
            MacsPerIter = macs, ForwardMacsPerIter = forwardMacs, MacsConvention = convention, GmacPerS = macs / median / 1e9,
            TorchVersion = torch.__version__,
            TorchSharpVersion = TorchRuntime.TorchSharpVersion,
            DotNet = Environment.Version.ToString(),
            Cpu = CpuInfo.Read().Model,
            KernelCheckMs = ConvKernels.Shared.CheckMilliseconds,
            KernelWrongConfigurations = ConvKernels.Shared.Verdicts.Count(v => !v.DirectOk),
        };
    }

    /// <summary>A "VmRSS"/"VmHWM" line of /proc/self/status in MB (0 where there is no /proc).</summary>
    public static double ProcStatusMb(string key)
    {
        if (!File.Exists("/proc/self/status")) return 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(key + ":", StringComparison.Ordinal))
                return long.Parse(line[(key.Length + 1)..].Trim().Split(' ')[0]) / 1024.0;
        return 0;
    }
}
