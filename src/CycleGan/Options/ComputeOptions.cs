using CycleGan.Networks;

namespace CycleGan.Options;

/// <summary>
/// Where and how a command computes: <c>--device</c>, <c>--precision</c>, <c>--kernels</c>, one part of the options of
/// every command that runs a network (train, test, translate, eval epochs). Records that are also written as JSON
/// (quickstart, reproduce, bench, eval) declare their own property with <see cref="DeviceHelp"/> and friends.
/// </summary>
public sealed record ComputeOptions
{
    public const string DeviceHelp = "cpu, cuda or cuda:N (default: CUDA when available, else CPU)";
    public const string PrecisionHelp =
        "fp32, or bf16 (convolutions in bfloat16 where supported; weights, norms, losses, optimizer in fp32)";
    public const string KernelsHelp =
        "fast: same results within float rounding, faster; official: PyTorch's kernels, bit for bit (docs/differences.md)";

    [Option("device", DeviceHelp)]
    public string Device { get; set; } = "";
    [Option("precision", PrecisionHelp, ChoicesFrom = typeof(Compute), ChoicesMember = nameof(Compute.Precisions))]
    public string Precision { get; set; } = "fp32";
    [Option("kernels", KernelsHelp, ChoicesFrom = typeof(Compute), ChoicesMember = nameof(Compute.KernelNames))]
    public string Kernels { get; set; } = "fast";
}
