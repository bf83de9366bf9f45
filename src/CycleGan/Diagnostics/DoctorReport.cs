using System.Text.Json.Serialization;

namespace CycleGan.Diagnostics;

/// <summary>What <c>cyclegan doctor</c> found: the machine, the versions and the kernel check over the default networks.</summary>
public sealed record DoctorReport(
    [property: JsonPropertyName("computes_correctly")] bool ComputesCorrectly,
    [property: JsonPropertyName("wrong_configurations")] int WrongConfigurations,
    [property: JsonPropertyName("cpu")] CpuInfo Cpu,
    [property: JsonPropertyName("threads")] int Threads,
    [property: JsonPropertyName("torchsharp")] string TorchSharpVersion,
    [property: JsonPropertyName("libtorch")] string LibTorchVersion,
    [property: JsonPropertyName("onednn")] string? OneDnnVersion,
    [property: JsonPropertyName("check_ms")] double CheckMilliseconds,
    [property: JsonPropertyName("checks")] IReadOnlyList<KernelCheckRow> Checks);
