using System.Diagnostics;
using static TorchSharp.torch;

namespace CycleGan.Networks;

/// <summary>
/// <c>--precision auto</c>: bf16 where this CPU has bfloat16 instructions and runs a generator-sized convolution in
/// bf16 in at most <see cref="MinGain"/> of its fp32 time (measured once per process), fp32 otherwise — on some CPUs
/// bf16 is faster, on others slower (docs/measurements.md).
/// </summary>
public static class PrecisionChoice
{
    /// <summary>bf16 must save at least 10 %: a smaller gain is within timing noise and not worth its rounding.</summary>
    public const double MinGain = 0.9;

    static readonly Lazy<(string Precision, double Fp32, double Bf16)> Measured = new(() =>
    {
        var hasBf16 = CpuInfo.Read().HasBf16;
        var (fp32, bf16) = hasBf16 ? TimeConvolution() : (double.NaN, double.NaN);
        return (Decide(hasBf16, fp32, bf16), fp32, bf16);
    });

    /// <summary>The decision from the CPU's flags and the two timings (seconds of the same convolution).</summary>
    public static string Decide(bool cpuHasBf16, double fp32Seconds, double bf16Seconds) =>
        cpuHasBf16 && bf16Seconds <= fp32Seconds * MinGain ? "bf16" : "fp32";

    /// <summary><paramref name="precision"/>, with auto replaced by this machine's choice.</summary>
    public static string Resolve(string precision) => precision == "auto" ? Measured.Value.Precision : precision;

    /// <summary>What auto chose and why, for messages (timings NaN where the CPU has no bf16 instructions).</summary>
    public static string Explain()
    {
        var (p, fp32, bf16) = Measured.Value;
        return double.IsNaN(fp32) ? $"--precision auto: fp32 (this CPU has no bfloat16 instructions)"
            : FormattableString.Invariant($"--precision auto: {p} (a 64-channel 3x3 convolution at 128 px: fp32 {fp32 * 1e3:F1} ms, bf16 {bf16 * 1e3:F1} ms)");
    }

    /// <summary>Median seconds of a 64→64 3×3 convolution on a 128 px map in fp32 and in bf16, after one warm-up each.</summary>
    static (double Fp32, double Bf16) TimeConvolution()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = randn(1, 64, 128, 128);
        var w = randn(64, 64, 3, 3);
        double Median(Tensor input, Tensor weight)
        {
            var times = new double[6];
            for (int i = 0; i < times.Length; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                using (NewDisposeScope()) nn.functional.conv2d(input, weight, padding: [1, 1]);
                times[i] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            }
            return times.Skip(1).Order().ElementAt(2);
        }
        return (Median(x, w), Median(x.to(ScalarType.BFloat16), w.to(ScalarType.BFloat16)));
    }
}
