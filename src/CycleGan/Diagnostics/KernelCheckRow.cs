using System.Text.Json.Serialization;

namespace CycleGan.Diagnostics;

/// <summary>
/// One line of <c>cyclegan doctor</c>'s table: a convolution configuration and what the kernel check found. Errors are
/// max |error| / max |float64 value|; null where the kernel produced NaN or infinity.
/// </summary>
public sealed record KernelCheckRow(
    [property: JsonPropertyName("configuration")] string Configuration,
    [property: JsonPropertyName("networks")] IReadOnlyList<string> Networks,
    [property: JsonPropertyName("direct")] string Direct,
    [property: JsonPropertyName("direct_error")] double? DirectError,
    [property: JsonPropertyName("remedy")] string? Remedy,
    [property: JsonPropertyName("remedy_error")] double? RemedyError,
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("check_ms")] double CheckMilliseconds);
