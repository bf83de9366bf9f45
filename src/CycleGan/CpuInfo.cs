using System.Runtime.InteropServices;
using System.Text.Json.Serialization;

namespace CycleGan;

/// <summary>The processor as Linux reports it, with the flags that decide which oneDNN kernels run.</summary>
public sealed record CpuInfo(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("vendor")] string Vendor,
    [property: JsonPropertyName("family")] string Family,
    [property: JsonPropertyName("model_number")] string ModelNumber,
    [property: JsonPropertyName("flags")] IReadOnlyList<string> Flags,
    [property: JsonPropertyName("cache_info_in_sysfs")] bool CacheInfoInSysfs)
{
    /// <summary>Vector and matrix extensions oneDNN dispatches on (its ISA levels: AVX2, AVX-512, VNNI, BF16, AMX).</summary>
    public static readonly string[] RelevantFlags =
    [
        "sse4_1", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "avx512_fp16",
        "avx_vnni", "amx_tile", "amx_bf16", "amx_int8",
    ];

    /// <summary>Whether the CPU has bfloat16 instructions (AVX-512 BF16 or AMX), without which bf16 is emulated.</summary>
    public bool HasBf16 => Flags.Contains("avx512_bf16") || Flags.Contains("amx_bf16");

    public static CpuInfo Read()
    {
        var fields = new Dictionary<string, string>();
        if (File.Exists("/proc/cpuinfo"))
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.Length == 0) break; // the first processor is enough
                var colon = line.IndexOf(':');
                if (colon > 0) fields.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
            }
        var flags = fields.GetValueOrDefault("flags", "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        var model = fields.GetValueOrDefault("model name", RuntimeInformation.ProcessArchitecture.ToString());
        return new CpuInfo(model, fields.GetValueOrDefault("vendor_id", "unknown"),
            fields.GetValueOrDefault("cpu family", "?"), fields.GetValueOrDefault("model", "?"),
            [.. RelevantFlags.Where(flags.Contains)], Directory.Exists("/sys/devices/system/cpu/cpu0/cache/index0"));
    }
}
