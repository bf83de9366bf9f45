namespace CycleGan.Download;

/// <summary>
/// What an archive may unpack to before it is refused as a bomb: entries, bytes in all, and bytes per archive byte
/// once past <see cref="RatioFromBytes"/>. The defaults leave room for the largest official dataset (edges2handbags,
/// ~8.6 GB of JPEGs, ratio ~1) and stop a deflate bomb (ratio ~1000) long before the disk fills.
/// </summary>
public sealed record UnpackLimits
{
    public long MaxEntries { get; init; } = 2_000_000;
    public long MaxBytes { get; init; } = 64L << 30;
    public double MaxRatio { get; init; } = 100;
    public long RatioFromBytes { get; init; } = 1L << 30;
}
