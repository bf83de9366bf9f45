using CycleGan.Options;

namespace CycleGan.Diagnostics;

/// <summary>The flags of <c>cyclegan doctor</c>.</summary>
public sealed record DoctorOptions
{
    [Option("json", "print one JSON object instead of the table")]
    public bool Json { get; init; }
}
