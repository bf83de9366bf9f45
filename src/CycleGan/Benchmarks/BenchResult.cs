using System.Text.Json.Serialization;

namespace CycleGan.Benchmarks;

/// <summary>
/// One `cyclegan bench` measurement. The JSON names are those of torch_cyclegan_bench.py's output line, so the two
/// lines compare key by key; the C#-only fields (versions, precision, profile, bf16 error) are extra keys.
/// </summary>
public sealed record BenchResult
{
    [JsonPropertyName("impl")] public string Impl { get; init; } = "torchsharp";
    [JsonPropertyName("mode")] public required string Mode { get; init; }
    [JsonPropertyName("model")] public required string Model { get; init; }
    [JsonPropertyName("size")] public int Size { get; init; }
    [JsonPropertyName("batch")] public int Batch { get; init; }
    [JsonPropertyName("netG")] public required string NetG { get; init; }
    [JsonPropertyName("netD")] public string? NetD { get; init; }
    [JsonPropertyName("ngf")] public int Ngf { get; init; }
    [JsonPropertyName("ndf")] public int? Ndf { get; init; }
    [JsonPropertyName("norm")] public required string Norm { get; init; }
    [JsonPropertyName("dropout")] public bool Dropout { get; init; }
    [JsonPropertyName("gan_mode")] public string? GanMode { get; init; }
    /// <summary>--model cut's preset (CUT or FastCUT); null for the other models.</summary>
    [JsonPropertyName("CUT_mode")] public string? CutMode { get; init; }
    [JsonPropertyName("precision")] public required string Precision { get; init; }
    /// <summary>fast or official (see <see cref="Networks.Compute"/>).</summary>
    [JsonPropertyName("kernels")] public required string Kernels { get; init; }
    [JsonPropertyName("iters")] public int Iters { get; init; }
    [JsonPropertyName("warmup")] public int Warmup { get; init; }
    [JsonPropertyName("threads")] public int Threads { get; init; }
    [JsonPropertyName("median_s")] public double MedianS { get; init; }
    [JsonPropertyName("min_s")] public double MinS { get; init; }
    [JsonPropertyName("mean_s")] public double MeanS { get; init; }
    [JsonPropertyName("images_per_s")] public double ImagesPerS { get; init; }
    /// <summary>Whole process, VmHWM of /proc/self/status.</summary>
    [JsonPropertyName("peak_rss_mb")] public double PeakRssMb { get; init; }
    [JsonPropertyName("macs_per_iter")] public long MacsPerIter { get; init; }
    [JsonPropertyName("forward_macs_per_iter")] public long ForwardMacsPerIter { get; init; }
    [JsonPropertyName("macs_convention")] public required string MacsConvention { get; init; }
    [JsonPropertyName("gmac_per_s")] public double GmacPerS { get; init; }
    [JsonPropertyName("torch_version")] public required string TorchVersion { get; init; }
    [JsonPropertyName("torchsharp_version")] public required string TorchSharpVersion { get; init; }
    /// <summary>--impl onnxruntime only: ONNX Runtime's version (it runs on the CPU execution provider).</summary>
    [JsonPropertyName("onnxruntime_version")] public string? OnnxRuntimeVersion { get; init; }
    [JsonPropertyName("dotnet")] public required string DotNet { get; init; }
    [JsonPropertyName("cpu")] public required string Cpu { get; init; }
    /// <summary>Time the convolution kernel check took in this process (<see cref="Networks.ConvKernels"/>), and how many
    /// of the configurations it checked libtorch computes wrongly here (each then runs by a checked remedy).</summary>
    [JsonPropertyName("kernel_check_ms")] public double KernelCheckMs { get; init; }
    [JsonPropertyName("kernel_wrong_configurations")] public int KernelWrongConfigurations { get; init; }
    /// <summary>bf16 only: |bf16 output − fp32 output| in 8-bit output levels (× 127.5), over the benchmark input.</summary>
    [JsonPropertyName("bf16_max_abs_diff_levels")] public double? Bf16MaxAbsDiffLevels { get; init; }
    [JsonPropertyName("bf16_mean_abs_diff_levels")] public double? Bf16MeanAbsDiffLevels { get; init; }
    /// <summary>--profile only: seconds per iteration by step phase (timed iterations, mean) and by layer kind (forward only).</summary>
    [JsonPropertyName("profile_phases_s")] public IReadOnlyDictionary<string, double>? ProfilePhasesS { get; init; }
    [JsonPropertyName("profile_forward_by_layer_s")] public IReadOnlyDictionary<string, double>? ProfileForwardByLayerS { get; init; }
}
