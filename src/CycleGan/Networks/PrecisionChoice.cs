using System.Collections.Concurrent;
using System.Diagnostics;
using static TorchSharp.torch;

namespace CycleGan.Networks;

/// <summary>
/// <c>--precision auto</c>: bf16 where this CPU has bfloat16 instructions and runs the network's typical convolution in
/// bf16 in at most <see cref="MinGain"/> of its fp32 time, fp32 otherwise. Whether bf16 pays depends on the CPU (slower
/// than fp32 on an Intel Xeon without AMX, faster on an AMD EPYC Zen 5) and on the size of the work (on that Zen 5 it is
/// faster at 64 channels and 128 px, slower at the quickstart's 16-channel 32 px networks), so the probe is a
/// convolution of the network's own shape (<see cref="Probe"/>), measured once per process and shape.
/// </summary>
public static class PrecisionChoice
{
    /// <summary>bf16 must save at least 10 %: a smaller gain is within timing noise and not worth its rounding.</summary>
    public const double MinGain = 0.9;

    /// <summary>
    /// A 3×3 convolution of <paramref name="Channels"/> to <paramref name="Channels"/> on a <paramref name="Size"/> px
    /// map: the shape that carries most of a generator's work.
    /// </summary>
    public sealed record Probe(int Channels, int Size)
    {
        /// <summary>The ResNet generators' residual blocks (4·ngf channels at a quarter of the image size), which also
        /// stands for a U-Net's middle layers.</summary>
        public static Probe ForGenerator(int ngf, int imageSize) => new(Math.Max(4 * ngf, 1), Math.Max(imageSize / 4, 4));

        /// <summary>translate, test and serve, whose image size is not known in advance: the official 256 px.</summary>
        public static Probe ForInference(int ngf) => ForGenerator(ngf, 256);

        /// <summary>When nothing is known about the network: resnet_9blocks ngf 64 at 256 px.</summary>
        public static Probe Default { get; } = ForGenerator(64, 256);
    }

    static readonly Lazy<bool> CpuHasBf16 = new(() => CpuInfo.Read().HasBf16);
    static readonly ConcurrentDictionary<Probe, (string Precision, double Fp32, double Bf16)> Measured = new();

    /// <summary>The decision from the CPU's flags and the two timings (seconds of the same convolution).</summary>
    public static string Decide(bool cpuHasBf16, double fp32Seconds, double bf16Seconds) =>
        cpuHasBf16 && bf16Seconds <= fp32Seconds * MinGain ? "bf16" : "fp32";

    /// <summary><paramref name="precision"/>, with auto replaced by this machine's choice for <paramref name="probe"/>.</summary>
    public static string Resolve(string precision, Probe? probe = null) =>
        precision == "auto" ? Measure(probe ?? Probe.Default).Precision : precision;

    /// <summary>What auto chose for <paramref name="probe"/> and why, for messages.</summary>
    public static string Explain(Probe? probe = null)
    {
        var p = probe ?? Probe.Default;
        var (choice, fp32, bf16) = Measure(p);
        return double.IsNaN(fp32) ? "--precision auto: fp32 (this CPU has no bfloat16 instructions)"
            : FormattableString.Invariant($"--precision auto: {choice} (a {p.Channels}-channel 3x3 convolution at {p.Size} px: fp32 {fp32 * 1e3:F2} ms, bf16 {bf16 * 1e3:F2} ms)");
    }

    static (string Precision, double Fp32, double Bf16) Measure(Probe p) => Measured.GetOrAdd(p, probe =>
    {
        var hasBf16 = CpuHasBf16.Value;
        var (fp32, bf16) = hasBf16 ? TimeConvolution(probe) : (double.NaN, double.NaN);
        return (Decide(hasBf16, fp32, bf16), fp32, bf16);
    });

    /// <summary>
    /// Median seconds of the probe's convolution in fp32 and in bf16 (inputs cast as <see cref="Conv"/> casts them),
    /// each measurement repeating it until it is about 10 M multiply-adds, so that a small shape is timed above noise.
    /// </summary>
    static (double Fp32, double Bf16) TimeConvolution(Probe p)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = randn(1, p.Channels, p.Size, p.Size);
        var w = randn(p.Channels, p.Channels, 3, 3);
        var macs = (double)p.Channels * p.Channels * 9 * p.Size * p.Size;
        var reps = (int)Math.Clamp(Math.Ceiling(1e7 / macs), 1, 2000);
        double Median(Tensor input, Tensor weight)
        {
            var times = new double[6];
            for (int i = 0; i < times.Length; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                for (int r = 0; r < reps; r++)
                    using (NewDisposeScope()) nn.functional.conv2d(input, weight, padding: [1, 1]);
                times[i] = Stopwatch.GetElapsedTime(t0).TotalSeconds / reps;
            }
            return times.Skip(1).Order().ElementAt(2); // the first is the warm-up
        }
        return (Median(x, w), Median(x.to(ScalarType.BFloat16), w.to(ScalarType.BFloat16)));
    }
}
