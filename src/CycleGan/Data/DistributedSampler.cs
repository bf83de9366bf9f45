namespace CycleGan.Data;

/// <summary>
/// PyTorch's <c>DistributedSampler</c> (drop_last False): every rank shuffles with the same seed, so an epoch has one
/// global order; it is padded to a multiple of the world size by repeating its first entries (so every rank gets
/// the same number of samples, some seen twice per epoch) and rank r takes global positions r, r + N, r + 2N, ....
/// </summary>
public sealed record DistributedSampler(int Rank, int WorldSize)
{
    /// <summary>Samples per rank and epoch for a dataset of <paramref name="count"/>: ceil(count / N).</summary>
    public int SamplesPerRank(int count) => (count + WorldSize - 1) / WorldSize;

    /// <summary>This rank's global positions in the padded order of <paramref name="count"/> items.</summary>
    public int[] Positions(int count) =>
        Enumerable.Range(0, SamplesPerRank(count)).Select(j => Rank + j * WorldSize).ToArray();

    /// <summary>The dataset index at global <paramref name="position"/> of <paramref name="order"/> once padded.</summary>
    public static int IndexAt(int[] order, int position) => order[position % order.Length];
}
