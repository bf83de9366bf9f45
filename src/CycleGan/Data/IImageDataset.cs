namespace CycleGan.Data;

/// <summary>
/// A dataset in the official sense (<c>__len__</c>, <c>__getitem__</c>). Items are pure functions of the index
/// and the generator passed in, so a loader can prepare them on any thread in any order, reproducibly.
/// </summary>
public interface IImageDataset
{
    /// <summary>Official <c>__len__</c>.</summary>
    int Count { get; }

    /// <summary>Every file the dataset may read, for <see cref="ImageFile.Validate"/> before training.</summary>
    IReadOnlyList<string> Files { get; }

    /// <summary>Official <c>__getitem__</c>; random crops, flips and pairings are drawn from <paramref name="rng"/>.</summary>
    DataItem GetItem(int index, Rng rng);
}
