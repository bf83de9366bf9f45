namespace CycleGan.Data;

/// <summary>
/// One official dataset item: <c>A</c>, <c>B</c> (null for the single dataset) as [C, H, W] data in [-1, 1],
/// and <c>A_paths</c>, <c>B_paths</c>.
/// </summary>
public sealed record DataItem(HostTensor A, HostTensor? B, string APath, string? BPath);
